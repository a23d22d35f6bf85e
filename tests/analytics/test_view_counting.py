"""analytics.services: every reader's view counted once, even all at the same time, and
never an error page because another process holds the database."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from django.db import connection
from django.http import HttpRequest
from django.test import Client
from django.utils import timezone

from glaneur.analytics import services
from glaneur.analytics.models import PostDailyViews, TopicDailyViews
from glaneur.analytics.services import (
    daily_series,
    flush_pending_views,
    is_bot,
    pending_views,
    post_view_count,
    record_view,
    today,
    topic_view_counts,
)
from glaneur.curation.models import Topic
from tests.analytics.conftest import FIREFOX
from tests.factories import make_posts

CONCURRENT_READERS = 25


def wait_for(condition: Callable[[], bool], *, within: float = 60) -> bool:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@contextmanager
def another_process_writing() -> Iterator[None]:
    """Hold the write lock from another connection, as a large import does: SQLite's one
    write lock (BEGIN IMMEDIATE); on PostgreSQL, the counters' tables (readers still read)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        other = sqlite3.connect(db["NAME"], isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], dbname=db["NAME"], user=db["USER"],
        password=db["PASSWORD"],
    ) as pg:  # fmt: skip
        pg.execute(
            f"LOCK TABLE {TopicDailyViews._meta.db_table}, {PostDailyViews._meta.db_table} "
            "IN EXCLUSIVE MODE"
        )
        yield
        pg.rollback()


@pytest.mark.django_db(transaction=True)
def test_concurrent_views_are_all_counted(
    topic: Topic, reader_request: Callable[..., HttpRequest]
) -> None:
    post = make_posts(topic, 1)[0]
    start = threading.Barrier(CONCURRENT_READERS)
    results: list[bool] = []
    errors: list[BaseException] = []

    def read() -> None:
        try:
            request = reader_request()
            start.wait(timeout=30)  # all threads hit the counters together
            results.append(record_view(request, topic, post))
        except BaseException as exc:
            errors.append(exc)
        finally:
            # Each thread opened its own connection; leaving it open would block the flush.
            connection.close()

    threads = [threading.Thread(target=read) for _ in range(CONCURRENT_READERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert results == [True] * CONCURRENT_READERS
    # A view that found the lock taken for too long is written a moment later.
    assert wait_for(lambda: pending_views() == 0)
    assert TopicDailyViews.objects.get(topic=topic).count == CONCURRENT_READERS
    assert PostDailyViews.objects.get(post=post).count == CONCURRENT_READERS
    assert topic_view_counts(topic) == (CONCURRENT_READERS, CONCURRENT_READERS)


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "curl/8.5.0",
        "Wget/1.21.4",
        "python-requests/2.32.3",
        "",
    ],
)
def test_bots_and_tools_are_not_counted(
    topic: Topic, reader_request: Callable[..., HttpRequest], user_agent: str
) -> None:
    assert is_bot(user_agent)
    assert record_view(reader_request(user_agent), topic) is False
    assert not TopicDailyViews.objects.exists()


def test_head_requests_are_not_counted(
    topic: Topic, reader_request: Callable[..., HttpRequest]
) -> None:
    assert record_view(reader_request(method="head"), topic) is False
    assert topic_view_counts(topic) == (0, 0)


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    ],
)
def test_browsers_are_counted(
    topic: Topic, reader_request: Callable[..., HttpRequest], user_agent: str
) -> None:
    assert not is_bot(user_agent)
    assert record_view(reader_request(user_agent), topic) is True
    assert topic_view_counts(topic) == (1, 1)


def test_a_post_view_counts_for_the_post_and_its_topic(
    topic: Topic, reader_request: Callable[..., HttpRequest]
) -> None:
    post = make_posts(topic, 1)[0]
    post.historical_views = 40
    post.save(update_fields=["historical_views"])

    record_view(reader_request(), topic, post)
    record_view(reader_request(), topic, post)
    record_view(reader_request(), topic)

    assert post_view_count(post) == 42
    assert topic_view_counts(topic) == (3, 3)


def test_topic_view_counts_adds_historical_views(
    topic: Topic, reader_request: Callable[..., HttpRequest]
) -> None:
    topic.historical_views = 54_700
    topic.save(update_fields=["historical_views"])
    for _ in range(19):
        record_view(reader_request(), topic)

    assert topic_view_counts(topic) == (54_719, 19)


def test_today_counts_only_todays_row(
    topic: Topic, reader_request: Callable[..., HttpRequest]
) -> None:
    TopicDailyViews.objects.create(topic=topic, day=today() - timedelta(days=1), count=10)
    record_view(reader_request(), topic)
    record_view(reader_request(), topic)

    assert topic_view_counts(topic) == (12, 2)


def test_days_are_counted_in_the_site_time_zone(
    topic: Topic, reader_request: Callable[..., HttpRequest], monkeypatch: pytest.MonkeyPatch
) -> None:
    # 23:30 UTC on 26 November is already 00:30 on the 27th in Paris.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 11, 26, 23, 30, tzinfo=UTC))

    record_view(reader_request(), topic)

    assert TopicDailyViews.objects.get(topic=topic).day.isoformat() == "2026-11-27"


def test_daily_series_is_zero_filled_oldest_first(topic: Topic) -> None:
    day = today()
    for days_ago, count in [(0, 5), (1, 3), (29, 7), (30, 100)]:
        TopicDailyViews.objects.create(topic=topic, day=day - timedelta(days_ago), count=count)

    series = daily_series(topic)

    assert len(series) == 30
    assert series[0] == (day - timedelta(29), 7)  # the 30th day back is outside
    assert series[-2:] == [(day - timedelta(1), 3), (day, 5)]
    assert sum(count for _day, count in series) == 15
    assert [d for d, _count in series] == sorted(d for d, _count in series)


def test_view_counts_cost_one_query_each(topic: Topic, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        topic_view_counts(topic)
    with django_assert_num_queries(1):
        daily_series(topic)


@pytest.mark.django_db(transaction=True)
def test_pages_answer_while_another_process_writes_and_their_views_count_after(
    client: Client, topic: Topic
) -> None:
    post = make_posts(topic, 1)[0]

    with another_process_writing():
        topic_page = client.get(topic.get_absolute_url(), HTTP_USER_AGENT=FIREFOX)
        post_page = client.get(post.get_absolute_url(), HTTP_USER_AGENT=FIREFOX)
        assert pending_views() == 3  # kept: the topic twice, the post once

    assert topic_page.status_code == 200 and post_page.status_code == 200
    # Written by the background thread once the lock is released.
    assert wait_for(lambda: topic_view_counts(topic)[0] == 2 and post_view_count(post) == 1)
    assert pending_views() == 0


@pytest.mark.django_db(transaction=True)
def test_views_kept_for_a_post_deleted_meanwhile_are_dropped(
    topic: Topic, reader_request: Callable[..., HttpRequest], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "RETRY_DELAY", 3600)  # no background writing meanwhile
    post = make_posts(topic, 1)[0]
    with another_process_writing():
        assert record_view(reader_request(), topic, post) is True
    post.delete()

    assert flush_pending_views()
    assert pending_views() == 0
    assert topic_view_counts(topic) == (1, 1)
