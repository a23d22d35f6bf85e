"""Glaneur's SQLite engine waits out another process's write lock instead of failing.

Runs on a SQLite file of its own whatever database the suite uses (the engine is what the
embedded demo runs on)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, connections, transaction
from django.db.utils import ConnectionHandler, load_backend

from glaneur.db.sqlite.base import BEGIN_RETRY_PAUSES

BUSY_MS = 100


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Path:
    path = tmp_path / "busy.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE note (text TEXT)")
    return path


def _connection(engine: str, path: Path) -> Any:
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": engine,
                "NAME": str(path),
                "OPTIONS": {
                    "init_command": f"PRAGMA busy_timeout={BUSY_MS};",
                    "transaction_mode": "IMMEDIATE",
                },
            }
        }
    )
    settings = handler.settings["default"]
    return load_backend(engine).DatabaseWrapper(settings, "busy-test")


@pytest.fixture
def lock_holder(sqlite_file: Path) -> Iterator[threading.Event]:
    """Another connection takes the write lock and keeps it until the event is set."""
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        db = sqlite3.connect(sqlite_file, isolation_level=None)
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO note VALUES ('other process')")
        taken.set()
        release.wait(10)
        db.execute("COMMIT")
        db.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert taken.wait(5)
    yield release
    release.set()
    thread.join(10)


def _write(connection: Any) -> None:
    """One transaction.atomic() write, as every service does it."""
    connections[connection.alias] = connection
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("INSERT INTO note VALUES ('mine')")
    finally:
        del connections[connection.alias]
        connection.close()


@pytest.fixture(autouse=True)
def _own_database(django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        yield


def test_a_writer_waits_for_the_lock_beyond_the_busy_timeout(
    sqlite_file: Path, lock_holder: threading.Event
) -> None:
    connection = _connection("glaneur.db.sqlite", sqlite_file)
    # Released after several busy timeouts, well before the retries run out.
    threading.Timer(sum(BEGIN_RETRY_PAUSES[:2]) + 3 * BUSY_MS / 1000, lock_holder.set).start()
    _write(connection)
    with sqlite3.connect(sqlite_file) as db:
        rows = sorted(text for (text,) in db.execute("SELECT text FROM note"))
    assert rows == ["mine", "other process"]


def test_djangos_own_engine_fails_there(sqlite_file: Path, lock_holder: threading.Event) -> None:
    # The same situation without the retries: what the retries are for.
    connection = _connection("django.db.backends.sqlite3", sqlite_file)
    with pytest.raises(OperationalError, match="locked"):
        _write(connection)
