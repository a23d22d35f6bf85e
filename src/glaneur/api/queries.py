"""Read paths of the API; each list costs the same number of queries for 20 or 2,000 rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.db.models import Count, IntegerField, Model, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from glaneur.audience.models import Comment, Follow
from glaneur.curation import access
from glaneur.curation.models import Post, Topic
from glaneur.curation.queries import filter_by_tags, with_card_data
from glaneur.curation.services import authenticated

if TYPE_CHECKING:
    from datetime import datetime

    from glaneur.curation.services import AnyUser

M = TypeVar("M", bound=Model)


def _count_of(rows: QuerySet[M], column: str) -> Coalesce:
    counted = rows.order_by().values(column).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_topic_counts(topics: QuerySet[Topic]) -> QuerySet[Topic]:
    """Published posts and followers, counted in the same query as the topics."""
    return topics.select_related("owner").annotate(
        post_count=_count_of(
            Post.objects.filter(topic=OuterRef("pk"), status=Post.Status.PUBLISHED), "topic"
        ),
        follower_count=_count_of(Follow.objects.filter(topic=OuterRef("pk")), "topic"),
    )


def listed_topics_for(user: AnyUser, *, mine: bool = False) -> QuerySet[Topic]:
    """Public topics and those the user curates (``mine``: only the latter), newest first."""
    if not mine:
        topics = Topic.objects.filter(access.listed_topics(user))
    elif user.is_authenticated:
        topics = Topic.objects.filter(memberships__user_id=user.pk)
    else:
        topics = Topic.objects.none()
    return with_topic_counts(topics).order_by("-created_at", "-pk")


def topic_posts(
    topic: Topic,
    *,
    user: AnyUser,
    tags: list[str],
    state: str | None = None,
    status: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[Post]:
    """A topic's posts as its stream orders them, those ``user`` may see: drafts and
    scheduled ones only for who may edit them (access.py)."""
    posts = Post.objects.filter(topic=topic).filter(access.visible_posts_in(topic, user))
    posts = filter_by_tags(posts, tags)
    if state:
        posts = posts.filter(state=state)
    if status:
        posts = posts.filter(status=status)
    if since:
        posts = posts.filter(curated_at__gte=since)
    if until:
        posts = posts.filter(curated_at__lt=until)
    return with_card_data(posts)


def post_comments(post: Post, *, include_hidden: bool) -> QuerySet[Comment]:
    comments = Comment.objects.filter(post=post).select_related("author")
    return comments if include_hidden else comments.filter(hidden=False)


def followed_topics(user: AnyUser) -> QuerySet[Follow]:
    """The user's follows, newest first, leaving out topics that became private to them."""
    return (
        Follow.objects.filter(user=authenticated(user))
        .filter(access.visible_topics(user, prefix="topic__"))
        .order_by("-created_at", "-pk")
    )


def topics_with_counts(pks: list[int]) -> dict[int, Topic]:
    return {topic.pk: topic for topic in with_topic_counts(Topic.objects.filter(pk__in=pks))}
