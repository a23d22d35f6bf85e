from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import QuerySet

from glaneur.curation.models import Post, Topic
from glaneur.curation.queries import StreamPage, with_card_data

from .models import Follow

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def followed_topics(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Topic]:
    return Topic.objects.filter(follows__user_id=user.pk).order_by("title")


def followed_stream(
    user: AbstractBaseUser | AnonymousUser, *, page: int = 1, per_page: int | None = None
) -> StreamPage:
    """Newest published posts across the user's followed topics (no pinning across topics)."""
    per_page = per_page or settings.GLANEUR_POSTS_PER_PAGE
    topic_ids = Follow.objects.filter(user_id=user.pk).values("topic_id")
    posts = with_card_data(
        Post.objects.filter(topic_id__in=topic_ids, status=Post.Status.PUBLISHED)
        .select_related("topic")
        .order_by("-curated_at", "-id")
    )
    start = (page - 1) * per_page
    rows = list(posts[start : start + per_page + 1])
    return StreamPage(posts=rows[:per_page], number=page, has_next=len(rows) > per_page)
