"""Places in the REST API: read, corrected by curators only, private topics hidden."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from glaneur.curation import services
from glaneur.curation.models import Topic
from glaneur.territories.models import PostPlace
from tests.api.conftest import token_client
from tests.factories import make_topic, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_posts_places_are_read_and_corrected_through_the_api(topic: Topic, curator: Any) -> None:
    post = services.create_post(topic, by=curator, title="Forums à Niort et Melle (Deux-Sèvres)")
    url = f"/api/topics/{topic.slug}/posts/{post.pk}/places"
    places = Client().get(url).json()
    assert {(p["kind"], p["code"], p["lieu"]) for p in places} == {
        ("commune", "79191", "79191"),
        ("commune", "79174", "79174"),
        ("department", "79", "79"),
    }
    owner = token_client(curator)
    assert owner.put(f"{url}/region/75").json()["source"] == "person"
    assert owner.delete(f"{url}/commune/79174").status_code == 204
    kept = {(p["code"], p["removed"]) for p in Client().get(url).json()}
    assert ("75", False) in kept and ("79174", True) in kept
    assert owner.put(f"{url}/commune/99999").status_code == 404  # not a commune
    reader = token_client(make_user("lecteur"))
    assert reader.delete(f"{url}/commune/79191").status_code == 403
    assert Client().delete(f"{url}/commune/79191").status_code in (401, 403)
    assert not PostPlace.objects.get(post=post, code="79191").removed


def test_a_topics_places_and_a_private_topic(curator: Any, topic: Topic) -> None:
    services.create_post(topic, by=curator, title="Un forum à Niort")
    services.create_post(topic, by=curator, title="Un autre forum à Niort, en Nouvelle-Aquitaine")
    rows = Client().get(f"/api/topics/{topic.slug}/places").json()
    assert {
        "kind": "commune",
        "code": "79191",
        "lieu": "79191",
        "name": "Niort",
        "posts": 2,
    } in rows
    assert {
        "kind": "department",
        "code": "79",
        "lieu": "79",
        "name": "Deux-Sèvres",
        "posts": 2,
    } in rows
    assert any(r["lieu"] == "r75" for r in rows)
    secret = make_topic(owner=curator, visibility=Topic.Visibility.PRIVATE)
    post = services.create_post(secret, by=curator, title="Un forum à Niort")
    assert Client().get(f"/api/topics/{secret.slug}/places").status_code == 404
    assert Client().get(f"/api/topics/{secret.slug}/posts/{post.pk}/places").status_code == 404
    assert token_client(curator).get(f"/api/topics/{secret.slug}/places").status_code == 200


def test_the_schema_describes_the_places_endpoints() -> None:
    paths = Client().get("/api/openapi.json").json()["paths"]
    assert "/api/topics/{slug}/posts/{post_id}/places/{kind}/{code}" in paths
    assert "/api/topics/{slug}/places" in paths
