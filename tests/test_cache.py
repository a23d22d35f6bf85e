"""glaneur.cache and glaneur.ratelimit: one count for every process, never a lost hit."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import RequestFactory

from glaneur import ratelimit
from glaneur.cache import BoundedMemoryCache
from glaneur.settings.base import shared_cache
from tests.processes import run_glaneur

HITS = 20
LIMIT = 8


@pytest.mark.django_db(transaction=True)
def test_hits_counted_at_the_same_moment_are_all_counted() -> None:
    start = threading.Barrier(HITS)
    allowed: list[bool] = []
    errors: list[BaseException] = []

    def hit() -> None:
        try:
            start.wait(timeout=30)
            allowed.append(ratelimit.consume("test", "192.0.2.1", limit=LIMIT, per=60))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=hit) for _ in range(HITS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    # Django's own database cache reads then writes: hits at the same moment overwrote each
    # other and more than LIMIT got through.
    assert sorted(allowed) == [False] * (HITS - LIMIT) + [True] * LIMIT


@pytest.mark.django_db
def test_a_window_counts_from_its_first_hit_and_each_key_alone() -> None:
    assert [ratelimit.consume("test", "a", limit=2, per=60) for _ in range(3)] == [
        True,
        True,
        False,
    ]
    assert ratelimit.consume("test", "b", limit=2, per=60)
    assert ratelimit.consume("other", "a", limit=2, per=60)
    assert not ratelimit.consume("bytes", "a", limit=1000, per=60, amount=1001)


@pytest.mark.django_db
def test_an_expired_count_starts_again() -> None:
    assert cache.add("glaneur:test", 5, timeout=60)
    assert cache.incr("glaneur:test", 2) == 7
    cache.set("glaneur:test", 7, timeout=-1)  # expired
    with pytest.raises(ValueError, match="not found"):
        cache.incr("glaneur:test")


def test_the_shared_cache_is_the_database_or_redis() -> None:
    assert shared_cache("")["BACKEND"] == "glaneur.cache.DatabaseCache"
    redis = shared_cache("redis://cache.internal:6379/1")
    assert redis == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6379/1",
    }
    # A per-process cache would count each limit once per web worker again.
    with pytest.raises(ImproperlyConfigured, match="GLANEUR_CACHE_URL"):
        shared_cache("locmem://")


@pytest.mark.django_db(transaction=True)
def test_migrate_makes_the_cache_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE glaneur_cache")

    result = run_glaneur("migrate", "--no-input")

    assert result.returncode == 0, result.stderr
    assert "glaneur_cache" in connection.introspection.table_names()


def test_the_client_address_is_read_as_allauth_reads_it(settings: Any) -> None:
    factory = RequestFactory()
    behind_nginx = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")

    # Direct: the header is anyone's to write, the socket's address counts.
    assert ratelimit.client_address(behind_nginx) == "127.0.0.1"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert ratelimit.client_address(behind_nginx) == "203.0.113.9"
    # One IPv6 subscriber holds a /64: its addresses count as one.
    ipv6 = factory.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    assert ratelimit.client_address(ipv6) == "2001:db8:1:2::"


def bounded(max_bytes: int, name: str) -> BoundedMemoryCache:
    return BoundedMemoryCache(name, {"OPTIONS": {"MAX_ENTRIES": 1000, "MAX_BYTES": max_bytes}})


def test_the_fragment_cache_is_bounded_by_bytes_and_keeps_the_recent() -> None:
    fragments = bounded(100_000, "test-bounded")
    page = "x" * 20_000  # a rendered stream page is 20 to 60 KiB
    for n in range(4):
        fragments.set(f"page-{n}", page)
    assert fragments.get("page-0") == page  # read: now the most recently used
    fragments.set("page-4", page)  # 5 × 20 KB and more: the least recently used goes
    assert fragments.get("page-0") == page and fragments.get("page-1") is None
    for n in range(5, 50):
        fragments.set(f"page-{n}", page)
    assert fragments.total_bytes() <= 100_000
    assert fragments.get("page-49") == page and fragments.get("page-48") == page
    assert fragments.get("page-30") is None
    fragments.set("page-49", "small")  # a replaced entry counts once, at its new size
    fragments.delete("page-48")
    assert fragments.total_bytes() < 100_000 - 20_000
    fragments.clear()
    assert fragments.total_bytes() == 0


def test_the_configured_fragment_cache_is_the_bounded_one() -> None:
    from glaneur.cache import fragment_cache

    assert isinstance(fragment_cache._connections[fragment_cache._alias], BoundedMemoryCache)  # type: ignore[attr-defined]
