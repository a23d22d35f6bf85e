"""Fixtures of the import/export tests: a seed topic grown with posts, comments and views."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pytest
from django.core.management import call_command

from glaneur.analytics.models import PostDailyViews, TopicDailyViews
from glaneur.audience.models import Comment
from glaneur.curation.models import Membership, Post, Topic
from glaneur.curation.services import rescoop
from glaneur.transfer.services import import_scoopit
from tests.factories import add_member, make_posts, make_topic, make_user

if TYPE_CHECKING:
    from django.contrib.auth.models import User

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "src" / "glaneur" / "data" / "scoopit-topic-initiatives-locales.txt"
FIXTURES = ROOT / "tests" / "fixtures" / "transfer"


def make_account(username: str | None = None, **extra: Any) -> User:
    """tests.factories.make_user, typed as the project's user model."""
    return cast("User", make_user(username, **extra))


def run_worker() -> None:
    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, queue_name="*", verbosity=0
    )


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def grown_seed(db: Any) -> Topic:
    """The seed topic plus 200 generated posts with comments (one hidden), views, a draft,
    a pinned post, an editor and a rescoop from another topic."""
    topic = import_scoopit(SEED.read_text(encoding="utf-8")).topic
    editor = make_account("editrice", first_name="Élise", last_name="Durand")
    reader = make_account("lecteur", first_name="Louis")
    add_member(topic, editor, Membership.Role.EDITOR)
    posts = make_posts(topic, 200, by=editor)
    other = make_topic(make_user("autre"), title="Autre veille", slug="autre-veille")
    original = make_posts(other, 1, by=other.owner)[0]
    rescoop(original, topic, by=editor, insight="Vu chez *Autre veille*.")
    Post.objects.filter(pk=posts[3].pk).update(
        status=Post.Status.DRAFT, main_text="Texte intégral."
    )
    Post.objects.filter(pk=posts[5].pk).update(
        pinned=True, source_published_at=posts[5].curated_at - timedelta(days=2)
    )
    comments = []
    for i, post in enumerate(posts[::10]):
        comments.append(Comment(post=post, author=reader, text=f"Merci pour l’article {i} !"))
        comments.append(
            Comment(
                post=post,
                author_name="Anonyme",
                text="Publicité",
                hidden=i % 2 == 0,
                hidden_by=editor if i % 2 == 0 else None,
            )
        )
    Comment.objects.bulk_create(comments)
    for post in posts[::10]:
        visible = Comment.objects.filter(post=post, hidden=False).count()
        Post.objects.filter(pk=post.pk).update(comment_count=visible)
    day = date(2024, 5, 1)
    PostDailyViews.objects.bulk_create(
        [
            PostDailyViews(post=post, day=day + timedelta(days=k), count=k + i % 7)
            for i, post in enumerate(posts[:50])
            for k in range(3)
        ]
    )
    TopicDailyViews.objects.bulk_create(
        [TopicDailyViews(topic=topic, day=day + timedelta(days=k), count=10 * k) for k in range(5)]
    )
    return topic
