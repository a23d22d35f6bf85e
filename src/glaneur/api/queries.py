"""Read paths of the API; each list costs the same number of queries for 20 or 2,000 rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Count, IntegerField, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from glaneur.audience.models import Comment, Follow
from glaneur.curation.models import Membership, Post, Topic
from glaneur.curation.queries import filter_by_tags, visible_posts, with_card_data
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


def _member_of(user: AnyUser) -> QuerySet[Membership, Any]:
    """The ids of the topics the user curates, as a subquery."""
    if not user.is_authenticated:
        return Membership.objects.none().values("topic_id")
    return Membership.objects.filter(user=authenticated(user)).values("topic_id")


def listed_topics_for(user: AnyUser, *, mine: bool = False) -> QuerySet[Topic]:
    """Public topics and those the user curates (``mine``: only the latter), newest first."""
    member_of = _member_of(user)
    if mine:
        topics = Topic.objects.filter(pk__in=member_of)
    elif getattr(user, "is_superuser", False):
        topics = Topic.objects.all()
    else:
        topics = Topic.objects.filter(Q(visibility=Topic.Visibility.PUBLIC) | Q(pk__in=member_of))
    return with_topic_counts(topics).order_by("-created_at", "-pk")


def topic_posts(
    topic: Topic,
    *,
    curator: bool,
    tags: list[str],
    state: str | None = None,
    status: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[Post]:
    """A topic's posts as its stream orders them; drafts and scheduled ones for curators only."""
    posts = Post.objects.filter(topic=topic) if curator else visible_posts(topic)
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
    member_of = _member_of(user)
    return (
        Follow.objects.filter(user=authenticated(user))
        .filter(~Q(topic__visibility=Topic.Visibility.PRIVATE) | Q(topic_id__in=member_of))
        .order_by("-created_at", "-pk")
    )


def topics_with_counts(pks: list[int]) -> dict[int, Topic]:
    return {topic.pk: topic for topic in with_topic_counts(Topic.objects.filter(pk__in=pks))}
