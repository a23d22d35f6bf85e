from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import QuerySet

from glaneur.curation.models import Post, Topic
from glaneur.curation.queries import StreamPage, with_card_data
from glaneur.curation.services import authenticated

from .models import Follow

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def followed_topics(user: User | AnonymousUser) -> QuerySet[Topic]:
    if not user.is_authenticated:
        return Topic.objects.none()
    return Topic.objects.filter(follows__user=authenticated(user)).order_by("title")


def followed_stream(
    user: User | AnonymousUser, *, page: int = 1, per_page: int | None = None
) -> StreamPage:
    """Newest published posts across the user's followed topics (no pinning across topics)."""
    per_page = per_page or settings.GLANEUR_POSTS_PER_PAGE
    topic_ids = Follow.objects.filter(user=authenticated(user)).values("topic_id")
    posts = with_card_data(
        Post.objects.filter(topic_id__in=topic_ids, status=Post.Status.PUBLISHED)
        .select_related("topic")
        .order_by("-curated_at", "-id")
    )
    start = (page - 1) * per_page
    rows = list(posts[start : start + per_page + 1])
    return StreamPage(posts=rows[:per_page], number=page, has_next=len(rows) > per_page)
