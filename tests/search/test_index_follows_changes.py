"""The index follows every change of a post once its transaction commits, and
`glaneur reindex` rebuilds it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command

from glaneur.curation import services as curation
from glaneur.curation.models import Post, PostTag, Tag, Topic
from glaneur.search.backends import get_backend
from glaneur.search.services import index_posts, rebuild, remove_posts, search
from tests.factories import make_posts

pytestmark = pytest.mark.django_db

Capture = Callable[..., Any]


def titles(query: str, **kwargs: Any) -> list[str]:
    return [hit.post.title for hit in search(query, **kwargs).hits]


def test_a_created_post_is_found_after_commit(
    topic: Topic, curator: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        curation.create_post(topic, by=curator, title="Forum de l'alternance", tags=["Alternance"])
    assert titles("alternance") == ["Forum de l'alternance"]
    assert titles("#alternance") == ["Forum de l'alternance"]


def test_nothing_is_indexed_before_the_commit(topic: Topic, curator: Any) -> None:
    curation.create_post(topic, by=curator, title="Forum de l'alternance")
    assert titles("alternance") == []


def test_an_edit_is_followed(
    topic: Topic, curator: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        post = curation.create_post(topic, by=curator, title="Forum de l'alternance")
    with django_capture_on_commit_callbacks(execute=True):
        curation.update_post(post, by=curator, title="Salon de l'apprentissage")
    assert titles("alternance") == []
    assert titles("apprentissage") == ["Salon de l'apprentissage"]


def test_a_tag_change_is_followed(
    topic: Topic, curator: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        post = curation.create_post(topic, by=curator, title="Forum", tags=["Alternance"])
    with django_capture_on_commit_callbacks(execute=True):
        curation.set_tags(post, ["Orientation"])
    assert titles("#alternance") == []
    assert titles("#orientation") == ["Forum"]
    with django_capture_on_commit_callbacks(execute=True):
        PostTag.objects.filter(post=post).delete()
    assert titles("#orientation") == []


def test_a_renamed_tag_is_followed(
    topic: Topic, curator: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        curation.create_post(topic, by=curator, title="Forum", tags=["Alternance"])
    with django_capture_on_commit_callbacks(execute=True):
        tag = Tag.objects.get(slug="alternance")
        tag.name = "Apprentissage"
        tag.save()
    assert titles("apprentissage") == ["Forum"]


def test_a_deleted_post_leaves_the_index(
    topic: Topic, curator: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        post = curation.create_post(topic, by=curator, title="Forum de l'alternance")
    pk = post.pk
    with django_capture_on_commit_callbacks(execute=True):
        curation.delete_post(post, by=curator)
    assert pk not in get_backend().indexed()


def test_a_transaction_of_many_saves_indexes_once(
    topic: Topic, curator: Any, django_capture_on_commit_callbacks: Capture, monkeypatch: Any
) -> None:
    from glaneur.search import services

    batches: list[set[int]] = []
    real = services.index_posts
    monkeypatch.setattr(services, "index_posts", lambda ids: (batches.append(set(ids)), real(ids)))
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            curation.create_post(topic, by=curator, title=f"Forum {n}", tags=["Alternance"])
    assert len(batches) == 1 and len(batches[0]) == 5
    assert len(titles("forum")) == 5


def test_bulk_created_posts_are_indexed_by_index_posts(topic: Topic) -> None:
    posts = make_posts(topic, 3)
    assert titles("summary") == []
    index_posts(post.pk for post in posts)
    assert len(titles("summary")) == 3
    remove_posts([posts[0].pk])
    assert len(titles("summary")) == 2


def test_rebuild_indexes_every_post(topic: Topic) -> None:
    posts = make_posts(topic, 7)
    index_posts([posts[0].pk])
    assert rebuild() == 7
    assert get_backend().indexed() == {post.pk for post in posts}
    assert len(titles("summary")) == 7


def test_reindex_command(topic: Topic, capsys: pytest.CaptureFixture[str]) -> None:
    make_posts(topic, 4)
    call_command("reindex")
    assert "indexed 4 posts" in capsys.readouterr().out
    assert len(titles("summary")) == 4


def test_a_post_published_by_the_scheduler_is_found_without_reindexing(topic: Topic) -> None:
    post = make_posts(topic, 1)[0]
    Post.objects.filter(pk=post.pk).update(status=Post.Status.SCHEDULED)
    index_posts([post.pk])
    assert titles("summary") == []
    # The scheduler publishes with QuerySet.update (no signal): status is read at search time.
    Post.objects.filter(pk=post.pk).update(status=Post.Status.PUBLISHED)
    assert titles("summary") == [post.title]
