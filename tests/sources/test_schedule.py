"""Polling schedule rules and the one-worker claim."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from glaneur.sources import schedule
from glaneur.sources.models import Source
from tests.factories import make_topic

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def test_max_age_wins_and_is_clamped() -> None:
    assert schedule.interval_from({"Cache-Control": "public, max-age=1800"}, 60, HOUR, NOW) == (
        timedelta(minutes=30)
    )
    assert schedule.interval_from({"cache-control": "max-age=10"}, None, HOUR, NOW) == (
        timedelta(minutes=5)
    )
    assert schedule.interval_from({"Cache-Control": "max-age=999999"}, None, HOUR, NOW) == (
        timedelta(hours=24)
    )


def test_expires_then_ttl_then_default() -> None:
    expires = {"Expires": "Fri, 04 Dec 2026 14:00:00 GMT"}
    assert schedule.interval_from(expires, 30, HOUR, NOW) == timedelta(hours=2)
    assert schedule.interval_from({}, 90, HOUR, NOW) == timedelta(minutes=90)
    assert schedule.interval_from({}, None, HOUR, NOW) == HOUR


def test_retry_after_seconds_date_and_cap() -> None:
    assert schedule.retry_after("120", NOW) == NOW + timedelta(seconds=120)
    assert schedule.retry_after("Fri, 04 Dec 2026 13:00:00 GMT", NOW) == NOW + HOUR
    assert schedule.retry_after("99999999", NOW) == NOW + timedelta(days=7)
    assert schedule.retry_after("soon", NOW) is None


def test_backoff_doubles_and_caps_at_a_week() -> None:
    assert schedule.backoff(1) == timedelta(minutes=5)
    assert schedule.backoff(3) == timedelta(minutes=20)
    assert schedule.backoff(50) == timedelta(days=7)


@pytest.mark.django_db
def test_one_worker_claims_a_due_source() -> None:
    source = Source.objects.create(
        topic=make_topic(), url="https://example.org/feed.xml", next_poll_at=NOW - HOUR
    )
    assert schedule.claim(source.pk, NOW)
    assert not schedule.claim(source.pk, NOW)
    later = Source.objects.create(
        topic=source.topic, url="https://example.org/b.xml", next_poll_at=NOW + HOUR
    )
    assert not schedule.claim(later.pk, NOW)
