"""One search interface, two back ends chosen by the database in use."""

from __future__ import annotations

from django.db import connection

from .base import Backend, Document


def get_backend() -> Backend:
    if connection.vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend()
    if connection.vendor == "sqlite":
        from .sqlite import SqliteBackend

        return SqliteBackend()
    raise NotImplementedError(f"no search back end for {connection.vendor}")


__all__ = ["Backend", "Document", "get_backend"]
