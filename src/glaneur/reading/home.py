"""The home page's topic cards: what a newcomer needs to pick a topic, in constant queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from glaneur.audience.models import Follow
from glaneur.curation import access
from glaneur.curation.models import Membership, Post, Topic
from glaneur.curation.queries import display_name

# "Most active": the posts published over this many days, then the latest post.
ACTIVITY_DAYS = 30
HOME_LENGTH = 100


@dataclass(frozen=True)
class TopicCard:
    topic: Topic
    curators: list[str]
    post_count: int
    follower_count: int
    recent_count: int
    last_post_at: datetime | None
    image_url: str


def _count(rows: QuerySet[Post] | QuerySet[Follow]) -> Subquery:
    """A correlated COUNT(*): several counts in one query without a join multiplying them."""
    counted = rows.order_by().values("topic").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)  # type: ignore[return-value]


def _is_web_url(url: str | None) -> bool:
    return (url or "").lower().startswith(("http://", "https://"))


def home_topics(language: str = "") -> list[TopicCard]:
    """The listed topics, most active first, as cards: two queries whatever their number."""
    published = Post.objects.filter(topic=OuterRef("pk"), status=Post.Status.PUBLISHED)
    since = timezone.now() - timedelta(days=ACTIVITY_DAYS)
    latest = published.order_by("-curated_at", "-id")
    topics = (
        Topic.objects.filter(access.listed_topics(None))
        .annotate(
            post_count=_count(published),
            recent_count=_count(published.filter(curated_at__gte=since)),
            follower_count=_count(Follow.objects.filter(topic=OuterRef("pk"))),
            last_post_at=Subquery(latest.values("curated_at")[:1]),
            image=Subquery(latest.exclude(image_url="").values("image_url")[:1]),
        )
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(role__in=sorted(access.CURATOR_ROLES))
                .select_related("user")
                .order_by("created_at", "pk"),
                to_attr="curator_memberships",
            )
        )
        .order_by("-recent_count", "-last_post_at", "title")
    )
    if language:
        topics = topics.filter(language=language)
    return [
        TopicCard(
            topic=topic,
            # Two accounts may bear one name (an imported owner and its person): once each.
            curators=list(dict.fromkeys(display_name(m.user) for m in topic.curator_memberships)),
            post_count=topic.post_count,
            follower_count=topic.follower_count,
            recent_count=topic.recent_count,
            last_post_at=topic.last_post_at,
            image_url=topic.image if _is_web_url(topic.image) else "",
        )
        for topic in topics[:HOME_LENGTH]
    ]


def home_languages() -> list[str]:
    """The languages of the listed topics, for the home page's language filter."""
    listed = Topic.objects.filter(access.listed_topics(None))
    return sorted(set(listed.values_list("language", flat=True)))
