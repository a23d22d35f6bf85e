"""Each step after the read records how it went per post, and can be run again alone."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from glaneur.curation import services
from glaneur.curation.models import Post, PostStep, Topic
from glaneur.search.backends import get_backend
from glaneur.search.services import search
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def step(post_id: int, name: str = "index") -> PostStep:
    return PostStep.objects.get(post_id=post_id, name=name)


def test_indexing_records_its_step(topic: Topic, curator: Any) -> None:
    post = services.create_post(topic, by=curator, title="Forum de l'alternance à Agen")
    assert step(post.pk).state == PostStep.State.DONE
    assert step(post.pk).error == ""


def failed_index(topic: Topic, curator: Any, monkeypatch: pytest.MonkeyPatch) -> Post:
    def broken(self: Any, documents: Any) -> None:
        raise RuntimeError("disque plein")

    with monkeypatch.context() as patch:
        patch.setattr(type(get_backend()), "write", broken)
        post = services.create_post(topic, by=curator, title="Forum de l'alternance à Agen")
    assert step(post.pk).state == PostStep.State.FAILED
    return post


def test_a_curator_sees_a_failed_step_and_tries_it_again_from_the_page(
    topic: Topic, curator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    post = failed_index(topic, curator, monkeypatch)
    client = Client()
    client.force_login(curator)
    retry = reverse("curation:post-retry-step", args=[topic.slug, post.pk, "index"])

    edit = client.get(reverse("curation:post-edit", args=[topic.slug, post.pk])).content.decode()
    assert "disque plein" in edit and f'action="{retry}"' in edit
    drafts = client.get(reverse("curation:topic-drafts", args=[topic.slug])).content.decode()
    assert "disque plein" in drafts

    response = client.post(retry)
    assert response.status_code == 302
    assert step(post.pk).state == PostStep.State.DONE and step(post.pk).error == ""
    assert [hit.post.pk for hit in search("alternance", topic=topic).hits] == [post.pk]
    edit = client.get(reverse("curation:post-edit", args=[topic.slug, post.pk])).content.decode()
    assert "disque plein" not in edit and retry not in edit


def test_only_who_may_edit_the_post_runs_a_step_again(
    topic: Topic, curator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    post = failed_index(topic, curator, monkeypatch)
    retry = reverse("curation:post-retry-step", args=[topic.slug, post.pk, "index"])
    reader = Client()
    reader.force_login(make_user("lectrice"))
    assert reader.post(retry).status_code in (403, 404)
    assert Client().post(retry).status_code == 302  # to the log-in page
    owner = Client()
    owner.force_login(curator)
    assert owner.get(retry).status_code == 405
    unknown = reverse("curation:post-retry-step", args=[topic.slug, post.pk, "enrichir"])
    assert owner.post(unknown).status_code == 404
    assert step(post.pk).state == PostStep.State.FAILED  # nobody ran it


def test_a_failed_step_keeps_its_reason_and_runs_again_alone(
    topic: Topic, curator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = type(get_backend())

    def broken(self: Any, documents: Any) -> None:
        raise RuntimeError("disque plein")

    with monkeypatch.context() as patch:
        patch.setattr(backend, "write", broken)
        post = services.create_post(
            topic, by=curator, title="Forum de l'alternance à Agen", insight="Mon regard"
        )
    failed = step(post.pk)
    assert failed.state == PostStep.State.FAILED and "disque plein" in failed.error
    assert search("alternance", topic=topic).hits == []
    post.refresh_from_db()
    assert post.insight == "Mon regard"  # the post itself is untouched

    out = StringIO()
    call_command("retry_step", "index", str(post.pk), stdout=out)
    assert step(post.pk).state == PostStep.State.DONE and step(post.pk).error == ""
    assert [hit.post.pk for hit in search("alternance", topic=topic).hits] == [post.pk]


def test_retry_step_names_the_steps_it_knows(topic: Topic, curator: Any) -> None:
    post = services.create_post(topic, by=curator, title="Un billet")
    with pytest.raises(CommandError, match="index"):
        call_command("retry_step", "enrichir", str(post.pk))
    with pytest.raises(CommandError, match="999999"):
        call_command("retry_step", "index", "999999")
