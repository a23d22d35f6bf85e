"""One "posts published" event for each way a post becomes public, and only then."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from glaneur.curation import events
from glaneur.curation.models import Post, Topic
from glaneur.curation.services import (
    create_post,
    publish,
    publish_due_posts,
    rescoop,
    scoop_url,
)
from tests.api.conftest import token_client
from tests.factories import make_topic

pytestmark = pytest.mark.django_db(transaction=True)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "transfer"
Calls = list[tuple[str, list[int]]]


@pytest.fixture
def published() -> Iterator[Calls]:
    calls: Calls = []

    def receiver(sender: Any, post_ids: list[int], how: str, **kwargs: Any) -> None:
        calls.append((how, post_ids))

    events.posts_published.connect(receiver, dispatch_uid="test-published")
    yield calls
    events.posts_published.disconnect(dispatch_uid="test-published")


def newest(topic: Topic) -> Post:
    return Post.objects.filter(topic=topic).latest("pk")


def test_a_post_made_published_in_the_form(published: Calls, topic: Topic, client: Client) -> None:
    client.force_login(topic.owner)
    response = client.post(
        f"/topic/{topic.slug}/post/new/", {"title": "Forum de l'emploi", "insight": "À voir"}
    )
    assert response.status_code == 302
    assert published == [("person", [newest(topic).pk])]


def test_a_post_made_through_the_api(published: Calls, topic: Topic) -> None:
    response = token_client(topic.owner).post(
        f"/api/topics/{topic.slug}/posts",
        {"title": "Forum de l'emploi"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert published == [("person", [response.json()["id"]])]


def test_a_draft_published_in_the_form_and_through_the_api(
    published: Calls, topic: Topic, client: Client
) -> None:
    first = create_post(topic, by=topic.owner, title="Brouillon un", status="draft")
    second = create_post(topic, by=topic.owner, title="Brouillon deux", status="draft")
    assert published == []  # drafts are not published
    client.force_login(topic.owner)
    client.post(
        f"/topic/{topic.slug}/p/{first.pk}/edit/",
        {"title": "Brouillon un", "action": "publish"},
    )
    response = token_client(topic.owner).post(
        f"/api/topics/{topic.slug}/posts/{second.pk}/publish", {}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert published == [("person", [first.pk]), ("person", [second.pk])]
    publish(Post.objects.get(pk=first.pk), by=topic.owner)  # already public: no event
    assert len(published) == 2


def test_a_scheduled_post_when_its_time_comes(published: Calls, topic: Topic) -> None:
    later = timezone.now() + timedelta(hours=1)
    post = create_post(
        topic, by=topic.owner, title="Plus tard", status="scheduled", publish_at=later
    )
    assert publish_due_posts() == 0 and published == []
    assert publish_due_posts(now=later + timedelta(seconds=1)) == 1
    assert publish_due_posts(now=later + timedelta(seconds=2)) == 0
    assert published == [("scheduler", [post.pk])]


def test_a_scoop(published: Calls, topic: Topic) -> None:
    post = scoop_url(topic, "https://example.org/une-page", by=topic.owner)
    assert published == [("scoop", [post.pk])]


def test_a_rescoop(published: Calls, topic: Topic) -> None:
    original = create_post(topic, by=topic.owner, title="L'original")
    mine = make_topic(topic.owner, title="Ma veille")
    published.clear()
    copy = rescoop(original, mine, by=topic.owner)
    assert published == [("rescoop", [copy.pk])]


def test_an_import(published: Calls, topic: Topic) -> None:
    call_command("import", str(FIXTURES / "posts.csv"), "--topic", topic.slug, verbosity=0)
    imported = Post.objects.filter(topic=topic, status=Post.Status.PUBLISHED)
    assert imported.exists()
    assert published == [("import", sorted(imported.values_list("pk", flat=True)))]


def test_a_draft_published_by_two_people_at_once_is_published_once(
    published: Calls, topic: Topic
) -> None:
    draft = create_post(topic, by=topic.owner, title="Brouillon", status="draft")
    first, second = Post.objects.get(pk=draft.pk), Post.objects.get(pk=draft.pk)  # two pages
    publish(first, by=topic.owner)
    publish(second, by=topic.owner)  # its copy still says draft
    assert published == [("person", [draft.pk])]
