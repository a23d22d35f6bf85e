"""View counting: one atomic upsert per view, so concurrent requests never lose one."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.http import HttpRequest
from django.utils import timezone

from glaneur.curation.models import Post, Topic

from .models import PostDailyViews, TopicDailyViews

# Crawlers, link previewers and monitors that announce themselves.
BOT_PATTERN = re.compile(
    r"bot|crawl|spider|slurp|facebookexternalhit|embedly|preview|monitor|pingdom|"
    r"uptime|curl/|wget/|python-requests|python-urllib|httpx|go-http-client|feedfetcher|"
    r"lighthouse|java/|okhttp|libwww-perl|scrapy",
    re.IGNORECASE,
)


def is_bot(user_agent: str) -> bool:
    return not user_agent or BOT_PATTERN.search(user_agent) is not None


def today() -> date:
    """Days are counted in the site's time zone (TIME_ZONE), as readers live in it."""
    return timezone.localdate()


def _increment(
    model: type[TopicDailyViews | PostDailyViews], key_column: str, key: int, day: date
) -> None:
    # A read-then-write in Python would lose views between the read and the write; one
    # INSERT … ON CONFLICT … DO UPDATE is atomic on SQLite (≥ 3.24) and PostgreSQL alike.
    # Table and column names come from the models, never from input.
    quote = connection.ops.quote_name
    table, column = quote(model._meta.db_table), quote(key_column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({column}, day, count) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT ({column}, day) DO UPDATE SET count = {table}.count + 1",
            [key, day],
        )


def record_view(request: HttpRequest, topic: Topic, post: Post | None = None) -> bool:
    """Count one view of a topic page (and of a post page); bots and non-GETs are not counted.

    Returns whether the view was counted.
    """
    # HEAD comes from monitors and link checkers, not from readers.
    if request.method != "GET" or is_bot(request.headers.get("User-Agent", "")):
        return False
    day = today()
    # One transaction: on SQLite it begins IMMEDIATE, so concurrent writers queue on the
    # busy timeout instead of failing, and the topic and post counters move together.
    with transaction.atomic():
        _increment(TopicDailyViews, "topic_id", topic.pk, day)
        if post is not None:
            _increment(PostDailyViews, "post_id", post.pk, day)
    return True


def topic_view_counts(topic: Topic) -> tuple[int, int]:
    """(total including historical views, views today) in one query."""
    day = today()
    rows = TopicDailyViews.objects.filter(topic=topic).aggregate(
        total=Sum("count"), today=Sum("count", filter=Q(day=day))
    )
    return topic.historical_views + (rows["total"] or 0), rows["today"] or 0


def post_view_count(post: Post) -> int:
    """A post's views, historical ones included, in one query."""
    total = PostDailyViews.objects.filter(post=post).aggregate(total=Sum("count"))["total"]
    return post.historical_views + (total or 0)


def daily_series(topic: Topic, *, days: int = 30) -> list[tuple[date, int]]:
    """The last ``days`` days of a topic's views (today included), zero-filled, oldest first."""
    end = today()
    start = end - timedelta(days=days - 1)
    counts = dict(
        TopicDailyViews.objects.filter(topic=topic, day__gte=start, day__lte=end).values_list(
            "day", "count"
        )
    )
    return [(start + timedelta(n), counts.get(start + timedelta(n), 0)) for n in range(days)]
