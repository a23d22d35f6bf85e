"""Polite polling against a real feed server on loopback: conditional GETs, Retry-After,
backoff, the watchdog, the size cap, and an interval that follows the feed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from glaneur.sources import schedule
from glaneur.sources.models import Candidate, Source
from glaneur.sources.polling import poll_source, poll_topic
from tests.sources.feedserver import HUGE_SIZE, FeedServer

pytestmark = pytest.mark.django_db


def add_source(topic: Any, url: str) -> Source:
    return Source.objects.create(topic=topic, url=url)


def test_the_second_poll_is_conditional_and_a_304_creates_nothing(
    topic: Any, feed_server: FeedServer
) -> None:
    source = add_source(topic, feed_server.url("/atom/cond.xml?n=4"))
    assert poll_source(source.pk).created == 4
    source.refresh_from_db()
    first_interval = source.interval_seconds
    Candidate.objects.all().delete()  # a 304 must not bring them back
    outcome = poll_source(source.pk, force=True)
    assert outcome.state == "not_modified" and outcome.created == 0
    assert Candidate.objects.count() == 0
    (_, first), (_, second) = feed_server.received
    assert "if-none-match" not in first and "if-modified-since" not in first
    assert second["if-none-match"] == source.etag
    assert second["if-modified-since"] == source.last_modified == "Tue, 01 Dec 2026 08:00:00 GMT"
    source.refresh_from_db()
    assert source.interval_seconds >= first_interval
    assert source.items_found == 4 and source.claimed_until is None


def test_a_feed_that_changed_since_is_read_again(topic: Any, feed_server: FeedServer) -> None:
    source = add_source(topic, feed_server.url("/rss2/changes.xml?n=2"))
    poll_source(source.pk)
    feed_server.version += 1  # a new ETag: the feed changed
    assert poll_source(source.pk, force=True).state == "new"


def test_429_is_waited_out_even_by_poll_now(topic: Any, feed_server: FeedServer) -> None:
    source = add_source(topic, feed_server.url("/limited.xml"))
    before = timezone.now()
    assert poll_source(source.pk).state == "failed"
    source.refresh_from_db()
    assert source.retry_after_until is not None
    assert before + timedelta(seconds=119) <= source.retry_after_until
    assert source.retry_after_until <= timezone.now() + timedelta(seconds=121)
    assert source.next_poll_at >= source.retry_after_until
    assert "429" in source.last_error
    # "Poll now" before Retry-After has passed sends nothing.
    assert poll_source(source.pk, force=True).state == "skipped"
    assert poll_topic(topic, force=True)[0].state == "skipped"
    assert feed_server.count("/limited.xml") == 1
    # Once it has passed, the site is asked again.
    Source.objects.filter(pk=source.pk).update(retry_after_until=before - timedelta(seconds=1))
    assert poll_source(source.pk, force=True).state == "failed"
    assert feed_server.count("/limited.xml") == 2


def test_503_with_a_retry_after_date_is_honoured(topic: Any, feed_server: FeedServer) -> None:
    source = add_source(topic, feed_server.url("/unavailable.xml"))
    poll_source(source.pk)
    source.refresh_from_db()
    assert source.retry_after_until is not None
    wait = source.retry_after_until - timezone.now()
    assert timedelta(minutes=115) < wait <= timedelta(hours=2)
    assert poll_source(source.pk, force=True).state == "skipped"
    assert feed_server.count("/unavailable.xml") == 1


def test_errors_back_off_exponentially_and_never_give_up(
    topic: Any, feed_server: FeedServer
) -> None:
    source = add_source(topic, feed_server.url("/error.xml"))
    waits = []
    for _ in range(4):
        assert poll_source(source.pk, force=True).state == "failed"
        source.refresh_from_db()
        assert source.last_polled_at is not None
        waits.append(source.next_poll_at - source.last_polled_at)
    assert waits == [timedelta(minutes=m) for m in (5, 10, 20, 40)]
    assert source.error_count == 4 and "500" in source.last_error
    # A week at most, and still polled then.
    Source.objects.filter(pk=source.pk).update(error_count=40)
    poll_source(source.pk, force=True)
    source.refresh_from_db()
    assert source.last_polled_at is not None
    assert source.next_poll_at - source.last_polled_at == timedelta(days=7)
    # A success clears the errors.
    Source.objects.filter(pk=source.pk).update(url=feed_server.url("/rss2/back.xml?n=1"))
    assert poll_source(source.pk, force=True).state == "new"
    source.refresh_from_db()
    assert (source.error_count, source.last_error) == (0, "")


def test_the_watchdog_stops_a_feed_that_drips(
    topic: Any, feed_server: FeedServer, settings: Any
) -> None:
    settings.GLANEUR_FETCH_TIMEOUT = 1
    source = add_source(topic, feed_server.url("/slow.xml"))
    outcome = poll_source(source.pk)
    assert outcome.state == "failed"
    source.refresh_from_db()
    assert source.last_error == "Le site a mis trop de temps à envoyer la page."
    assert source.claimed_until is None


def test_a_50_mb_feed_is_refused_without_being_read(topic: Any, feed_server: FeedServer) -> None:
    source = add_source(topic, feed_server.url("/huge.xml"))
    assert poll_source(source.pk).state == "failed"
    source.refresh_from_db()
    assert "5 Mo" in source.last_error or "5 MB" in source.last_error
    assert feed_server.huge_sent < HUGE_SIZE / 2  # the poller hung up early
    assert Candidate.objects.count() == 0


@pytest.mark.parametrize(
    ("query", "interval"),
    [
        # 20 items, one every 6 h: about one every 5.7 h (the window, 114 h, over 20).
        ("every=6", timedelta(hours=114) / 20),
        # One every 3 minutes: never more often than every 5 minutes.
        ("every=0.05", schedule.MIN_INTERVAL),
        # One every 2 days: 4 of the last week, but never less often than daily.
        ("every=48", schedule.MAX_INTERVAL),
        # The feed asks for 10 h (<ttl>), or 2 h (Cache-Control): never sooner.
        ("every=0.05&ttl=600", timedelta(hours=10)),
        ("every=0.05&max_age=7200", timedelta(hours=2)),
        ("every=6&max_age=60", timedelta(hours=114) / 20),
    ],
)
def test_the_interval_follows_the_feed_and_its_hints(
    topic: Any, feed_server: FeedServer, query: str, interval: timedelta
) -> None:
    source = add_source(topic, feed_server.url(f"/rss2/often.xml?n=20&{query}"))
    poll_source(source.pk)
    source.refresh_from_db()
    assert source.last_polled_at is not None
    assert abs(source.interval_seconds - interval.total_seconds()) <= 1
    assert abs((source.next_poll_at - source.last_polled_at) - interval) <= timedelta(seconds=1)


def test_a_source_not_due_is_left_alone_unless_forced(topic: Any, feed_server: FeedServer) -> None:
    source = add_source(topic, feed_server.url("/json/due.json?n=1"))
    poll_source(source.pk)
    assert poll_source(source.pk).state == "skipped"
    assert poll_topic(topic, force=False) == []
    assert feed_server.count("/json/due.json") == 1
    done: list[tuple[int, int]] = []
    assert [o.state for o in poll_topic(topic, force=True, progress=lambda *d: done.append(d))] == [
        "not_modified"
    ]
    assert done == [(1, 1)]
