"""The inbox in the REST API: list, scoop, discard — curators only, in the OpenAPI schema."""

from __future__ import annotations

import pytest

from glaneur.curation.models import Post, Topic
from glaneur.sources.models import Candidate
from tests.api.conftest import token_client
from tests.factories import make_user
from tests.sources.test_inbox import make_candidates

pytestmark = pytest.mark.django_db


def test_a_curator_lists_ranked_suggestions_with_their_words(topic: Topic) -> None:
    made = make_candidates(topic, 3)
    answer = token_client(topic.owner).get(f"/api/topics/{topic.slug}/suggestions?perPage=2")
    assert answer.status_code == 200
    data = answer.json()
    assert data["count"] == 3 and data["next"] == 2
    assert [r["id"] for r in data["results"]] == [made[2].pk, made[1].pk]
    assert data["results"][0]["matchedWords"] == ["emploi", "formation"]
    assert data["results"][0]["sources"][0]["title"]


def test_scoop_and_discard_through_the_api(topic: Topic) -> None:
    first, second = make_candidates(topic, 2)
    client = token_client(topic.owner)
    answer = client.post(
        f"/api/topics/{topic.slug}/suggestions/{first.pk}/scoop",
        {"insight": "Bien vu", "tags": ["emploi"], "publish": True},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    post = Post.objects.get(pk=answer.json()["postId"])
    assert post.status == Post.Status.PUBLISHED and post.insight == "Bien vu"
    answer = client.post(
        f"/api/topics/{topic.slug}/suggestions/{second.pk}/discard",
        {"reason": ""},
        content_type="application/json",
    )
    assert answer.status_code == 204
    assert dict(Candidate.objects.values_list("pk", "status")) == {
        first.pk: "scooped",
        second.pk: "discarded",
    }
    # Decided: no longer in the inbox, not decided twice.
    again = client.post(
        f"/api/topics/{topic.slug}/suggestions/{second.pk}/discard",
        {"reason": ""},
        content_type="application/json",
    )
    assert again.status_code == 404


def test_readers_and_strangers_get_no_inbox(topic: Topic) -> None:
    [candidate] = make_candidates(topic, 1)
    assert token_client(None).get(f"/api/topics/{topic.slug}/suggestions").status_code == 401
    reader = token_client(make_user("lecteur"))
    assert reader.get(f"/api/topics/{topic.slug}/suggestions").status_code == 403
    answer = reader.post(
        f"/api/topics/{topic.slug}/suggestions/{candidate.pk}/scoop",
        {},
        content_type="application/json",
    )
    assert answer.status_code == 403 and not Post.objects.exists()


def test_the_inbox_is_in_the_schema() -> None:
    from django.test import Client

    paths = Client().get("/api/openapi.json").json()["paths"]
    assert "/api/topics/{slug}/suggestions" in paths
    assert "/api/topics/{slug}/suggestions/{suggestion_id}/scoop" in paths
