"""Read paths of the stats page; each costs a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import BigIntegerField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from glaneur.curation.models import Post, Topic
from glaneur.curation.queries import published_posts

from .models import PostDailyClicks, PostDailyViews
from .services import daily_series, today, topic_view_counts


@dataclass(frozen=True)
class PostViews:
    post: Post
    views: int
    clicks: int = 0


@dataclass(frozen=True)
class TopicStats:
    total: int
    today: int
    series: list[tuple[date, int]]
    top_posts: list[PostViews]
    clicks_total: int = 0
    clicks_today: int = 0
    clicks_series: tuple[int, ...] = ()
    top_clicked: tuple[PostViews, ...] = ()

    @property
    def series_total(self) -> int:
        return sum(count for _day, count in self.series)

    @property
    def daily(self) -> list[tuple[date, int, int]]:
        """(day, views, clicks) of the period, oldest first: the table by day."""
        clicks = self.clicks_series or (0,) * len(self.series)
        return [(day, views, n) for (day, views), n in zip(self.series, clicks, strict=True)]


def _per_post(model: type[PostDailyViews | PostDailyClicks]) -> Coalesce:
    """A post's total from a daily counter table, as a correlated subquery: two counters
    joined in one query would multiply each other's rows."""
    total = (
        model.objects.filter(post=OuterRef("pk"))
        .values("post")
        .annotate(n=Sum("count"))
        .values("n")
    )
    return Coalesce(
        Subquery(total, output_field=BigIntegerField()), Value(0), output_field=BigIntegerField()
    )


def _rows(topic: Topic, posts: Iterable[Any]) -> list[PostViews]:
    result = []
    for post in posts:
        # The caller already holds the topic: links need its slug, not another query each.
        post.topic = topic
        result.append(PostViews(post=post, views=post.views, clicks=post.clicks))
    return result


def most_viewed_posts(topic: Topic, *, limit: int = 10) -> list[PostViews]:
    """The topic's published posts with the most views (historical + counted), with their
    clicks, in one query."""
    rows = (
        published_posts(topic)
        .annotate(
            views=F("historical_views") + _per_post(PostDailyViews),
            clicks=_per_post(PostDailyClicks),
        )
        .filter(views__gt=0)
        .order_by("-views", "-curated_at", "-id")[:limit]
    )
    return _rows(topic, rows)


def most_clicked_posts(topic: Topic, *, limit: int = 10) -> list[PostViews]:
    """The topic's published posts whose source link was followed most, in one query."""
    rows = (
        published_posts(topic)
        .annotate(
            views=F("historical_views") + _per_post(PostDailyViews),
            clicks=_per_post(PostDailyClicks),
        )
        .filter(clicks__gt=0)
        .order_by("-clicks", "-curated_at", "-id")[:limit]
    )
    return _rows(topic, rows)


def topic_click_counts(topic: Topic) -> tuple[int, int]:
    """(total clicks on the topic's posts' sources, clicks today) in one query."""
    rows = PostDailyClicks.objects.filter(post__topic=topic).aggregate(
        total=Sum("count"), today=Sum("count", filter=Q(day=today()))
    )
    return rows["total"] or 0, rows["today"] or 0


def daily_clicks(topic: Topic, *, days: int = 30) -> tuple[int, ...]:
    """The clicks of the last ``days`` days (today included), zero-filled, oldest first."""
    end = today()
    start = end - timedelta(days=days - 1)
    counts = dict(
        PostDailyClicks.objects.filter(post__topic=topic, day__gte=start, day__lte=end)
        .values_list("day")
        .annotate(n=Sum("count"))
        .values_list("day", "n")
    )
    return tuple(counts.get(start + timedelta(n), 0) for n in range(days))


def topic_stats(topic: Topic, *, days: int = 30) -> TopicStats:
    """Everything the stats page shows, in seven queries whatever the topic's size."""
    total, views_today = topic_view_counts(topic)
    clicks_total, clicks_today = topic_click_counts(topic)
    return TopicStats(
        total=total,
        today=views_today,
        series=daily_series(topic, days=days),
        top_posts=most_viewed_posts(topic),
        clicks_total=clicks_total,
        clicks_today=clicks_today,
        clicks_series=daily_clicks(topic, days=days),
        top_clicked=tuple(most_clicked_posts(topic)),
    )
