"""Test data builders shared by every test module."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from glaneur.curation.models import Membership, Post, PostTag, Tag, Topic
from glaneur.curation.services import create_topic, post_slug

_seq = itertools.count(1)
PASSWORD = "correct horse battery staple"


def make_user(username: str | None = None, **extra: Any) -> AbstractBaseUser:
    username = username or f"user{next(_seq)}"
    return get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD, **extra
    )


def make_topic(owner: AbstractBaseUser | None = None, **extra: Any) -> Topic:
    n = next(_seq)
    extra.setdefault("title", f"Topic {n}")
    return create_topic(owner=owner or make_user(), **extra)


def add_member(topic: Topic, user: AbstractBaseUser, role: str) -> Membership:
    return Membership.objects.create(topic=topic, user=user, role=role)


def make_posts(
    topic: Topic, count: int, *, tags_per_post: int = 2, tag_pool: int = 10, by: Any = None
) -> list[Post]:
    """Bulk-create ``count`` published posts, newest last, with tags cycling over a pool."""
    by = by or topic.owner
    now = timezone.now()
    start = next(_seq) * 100_000
    posts = Post.objects.bulk_create(
        [
            Post(
                topic=topic,
                title=f"Post {start + i}",
                slug=post_slug(f"Post {start + i}"),
                url=f"https://example.org/articles/{start + i}",
                normalized_url=f"https://example.org/articles/{start + i}",
                summary=f"Summary of post {start + i}.",
                insight=f"Insight **{i}**",
                insight_html=f"<p>Insight <strong>{i}</strong></p>",
                site_name="example.org",
                curated_by=by,
                curated_at=now - timedelta(minutes=count - i),
            )
            for i in range(count)
        ]
    )
    if tags_per_post:
        tags = [
            Tag.objects.get_or_create(slug=f"tag-{k}", defaults={"name": f"tag {k}"})[0]
            for k in range(tag_pool)
        ]
        PostTag.objects.bulk_create(
            [
                PostTag(post=post, tag=tags[(i + j) % tag_pool], topic=topic)
                for i, post in enumerate(posts)
                for j in range(tags_per_post)
            ]
        )
    return posts


def make_organisation(admin: Any = None, **extra: Any) -> Any:
    """An organisation (its first administrator: ``admin``, if any)."""
    from glaneur.organisations.services import create_organisation

    n = next(_seq)
    extra.setdefault("slug", f"org-{n}")
    extra.setdefault("name", f"Organisation {n}")
    return create_organisation(by=admin, **extra)


def make_domain(organisation: Any, host: str, status: str = "verified") -> Any:
    from glaneur.organisations.models import Domain

    return Domain.objects.create(organisation=organisation, host=host, status=status)
