"""Glaneur's two caches (settings.CACHES).

- ``default``: shared by every process of a deployment (the database, or Redis through
  ``GLANEUR_CACHE_URL``). Rate limits count there — allauth's (log-ins, sign-ups, password
  resets: allauth always uses the default cache) and ours (glaneur.ratelimit) — so two
  gunicorn workers or two machines hold one count.
- ``fragments``: memory of each process, for rendered page fragments and feeds. They are
  keyed by the topic's content stamp, so a process never serves a stale one, and reading them
  from memory keeps the anonymous topic page off the database's write lock (README.md,
  choices made).
"""

from __future__ import annotations

import base64
import pickle
from collections import OrderedDict
from threading import Lock
from typing import Any, cast

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.db import BaseDatabaseCache
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.management import call_command
from django.db import connections, models, router, transaction
from django.utils.connection import ConnectionProxy
from django.utils.timezone import now

FRAGMENTS = "fragments"

#: Page fragments and feeds, in the memory of this process.
fragment_cache = cast(BaseCache, ConnectionProxy(caches, FRAGMENTS))


class DatabaseCache(DjangoDatabaseCache):
    """Django's database cache with an atomic ``incr``.

    Django's own reads the value, then writes it back: two processes counting at once both
    write the same total and a hit is lost. Here the row is read and rewritten under the
    write lock (SQLite: the transaction's IMMEDIATE BEGIN; PostgreSQL: FOR UPDATE).
    """

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table = quote(self._table)  # type: ignore[attr-defined]
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        expression = models.Expression(output_field=models.DateTimeField())
        converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(
            connection
        )
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('value')}, {quote('expires')} FROM {table} "  # noqa: S608
                f"WHERE {quote('cache_key')} = %s{lock}",
                [key],
            )
            row = cursor.fetchone()
            if row is not None:
                expires = row[1]
                for converter in converters:
                    expires = converter(expires, expression, connection)
                if expires < now():
                    row = None
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            raw = connection.ops.process_clob(row[0])
            value = pickle.loads(base64.b64decode(raw.encode())) + delta  # noqa: S301
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {quote('value')} = %s "  # noqa: S608
                f"WHERE {quote('cache_key')} = %s",
                [encoded, key],
            )
        return cast(int, value)


def create_cache_tables(using: str = "default", **kwargs: Any) -> None:
    """After every ``migrate``: the table of a database cache, if it is not there yet."""
    if any(isinstance(caches[alias], BaseDatabaseCache) for alias in caches):
        call_command("createcachetable", database=using, verbosity=0)


class BoundedMemoryCache(LocMemCache):
    """A process's memory cache bounded by bytes as well as entries (OPTIONS ``MAX_BYTES``):
    page fragments weigh from a few to some sixty KiB, so a crawler walking every page of a
    large topic would otherwise fill ``MAX_ENTRIES`` with megabytes and push a web worker
    past its memory budget. The least recently used entries go first."""

    # LocMemCache's own state (not in django-stubs).
    _cache: OrderedDict[str, bytes]
    _expire_info: dict[str, float | None]
    _lock: Lock

    def __init__(self, name: str, params: dict[str, Any]) -> None:
        super().__init__(name, params)
        self._max_bytes = int(params.get("OPTIONS", {}).get("MAX_BYTES", 0)) or None
        self._sizes: dict[str, int] = _sizes.setdefault(name, {})

    def total_bytes(self) -> int:
        with self._lock:
            return sum(self._sizes.values())

    def _set(self, key: str, value: bytes, timeout: Any = DEFAULT_TIMEOUT) -> None:
        self._sizes.pop(key, None)
        super()._set(key, value, timeout)  # type: ignore[misc]
        self._sizes[key] = len(value)
        if self._max_bytes is not None:
            total = sum(self._sizes.values())
            while total > self._max_bytes and len(self._cache) > 1:
                # The OrderedDict keeps the most recently used first.
                old, pickled = self._cache.popitem()
                self._expire_info.pop(old, None)
                total -= self._sizes.pop(old, len(pickled))

    def _cull(self) -> None:
        super()._cull()  # type: ignore[misc]
        for key in set(self._sizes) - set(self._cache):
            del self._sizes[key]

    def _delete(self, key: str) -> bool:
        self._sizes.pop(key, None)
        return bool(super()._delete(key))  # type: ignore[misc]

    def clear(self) -> None:
        with self._lock:
            self._sizes.clear()
        super().clear()


_sizes: dict[str, dict[str, int]] = {}
