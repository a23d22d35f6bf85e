"""Read paths of the stats page; each costs a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import BigIntegerField, F, Sum, Value
from django.db.models.functions import Coalesce

from glaneur.curation.models import Post, Topic
from glaneur.curation.queries import published_posts

from .services import daily_series, topic_view_counts


@dataclass(frozen=True)
class PostViews:
    post: Post
    views: int


@dataclass(frozen=True)
class TopicStats:
    total: int
    today: int
    series: list[tuple[date, int]]
    top_posts: list[PostViews]

    @property
    def series_total(self) -> int:
        return sum(count for _day, count in self.series)


def most_viewed_posts(topic: Topic, *, limit: int = 10) -> list[PostViews]:
    """The topic's published posts with the most views (historical + counted), in one query."""
    rows = (
        published_posts(topic)
        .annotate(
            views=F("historical_views")
            + Coalesce(Sum("daily_views__count"), Value(0), output_field=BigIntegerField())
        )
        .filter(views__gt=0)
        .order_by("-views", "-curated_at", "-id")[:limit]
    )
    result = []
    for post in rows:
        # The caller already holds the topic: links need its slug, not another query each.
        post.topic = topic
        result.append(PostViews(post=post, views=post.views))
    return result


def topic_stats(topic: Topic, *, days: int = 30) -> TopicStats:
    """Everything the stats page shows, in three queries whatever the topic's size."""
    total, today = topic_view_counts(topic)
    return TopicStats(
        total=total,
        today=today,
        series=daily_series(topic, days=days),
        top_posts=most_viewed_posts(topic),
    )
