"""The read paths exports share: a fixed number of queries however many posts."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from glaneur.analytics.models import PostDailyViews
from glaneur.audience.models import Comment
from glaneur.curation.models import Post, PostTag, Topic

from ..fields import user_foreign_keys

CHUNK = 2000


def export_posts(topic: Topic, *, full: bool) -> QuerySet[Post]:
    posts = Post.objects.filter(topic=topic)
    if not full:
        posts = posts.filter(status=Post.Status.PUBLISHED)
    return (
        posts.select_related("curated_by", "origin__topic")
        .prefetch_related(
            Prefetch(
                "posttag_set",
                queryset=PostTag.objects.select_related("tag").order_by("id"),
                to_attr="export_tags",
            )
        )
        .order_by("curated_at", "id")
    )


def with_view_totals(posts: QuerySet[Post]) -> QuerySet[Post]:
    """Annotate ``view_total``: historical views plus every counted day."""
    daily = (
        PostDailyViews.objects.filter(post=OuterRef("pk"))
        .values("post")
        .annotate(total=Sum("count"))
        .values("total")
    )
    return posts.annotate(view_total=F("historical_views") + Coalesce(Subquery(daily), 0))


def with_comments_and_views(posts: QuerySet[Post], *, full: bool) -> QuerySet[Post]:
    comments = Comment.objects.select_related(*user_foreign_keys(Comment, set())).order_by(
        "created_at", "id"
    )
    if not full:
        comments = comments.filter(hidden=False)
    return posts.prefetch_related(
        Prefetch("comments", queryset=comments, to_attr="export_comments"),
        Prefetch(
            "daily_views",
            queryset=PostDailyViews.objects.order_by("day"),
            to_attr="export_views",
        ),
    )


def iterate(posts: QuerySet[Post], topic: Topic) -> Iterator[Post]:
    """The posts in chunks (prefetches run per chunk), each knowing its topic without a query."""
    for post in posts.iterator(chunk_size=CHUNK):
        post.topic = topic
        yield post


def tag_names(post: Post) -> list[str]:
    return [pt.tag.name for pt in post.export_tags]  # type: ignore[attr-defined]
