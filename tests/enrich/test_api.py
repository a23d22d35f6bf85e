"""Actors and quotes in the REST API, and corrections through it."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from glaneur.curation.models import Post, Topic
from glaneur.enrich.models import Actor, Quote
from tests.enrich.conftest import PRIVATE_TEXT, post_with
from tests.factories import make_topic, make_user

pytestmark = pytest.mark.django_db


def test_a_post_voices_and_its_actor(client: Client, analysed_post: Post) -> None:
    voices = client.get(f"/api/posts/{analysed_post.pk}/voices").json()
    assert [q["speaker"]["name"] for q in voices["quotes"]] == ["Anne Roux", "Anne Roux"]
    person = next(a for a in voices["actors"] if a["kind"] == "PER")
    assert person["role"] == "directrice de la mission locale"
    actor = client.get(f"/api/actors/{person['slug']}").json()
    assert actor["roles"][0]["postId"] == analysed_post.pk and len(actor["quotes"]) == 2
    rows = client.get(f"/api/topics/{analysed_post.topic.slug}/actors").json()
    assert {"name": "Anne Roux", "posts": 1, "quotes": 2}.items() <= rows[0].items()


def test_a_private_topic_voices_are_not_found_by_others(client: Client) -> None:
    secret = make_topic(make_user("o"), title="Interne", slug="interne", visibility="private")
    post = post_with(secret, PRIVATE_TEXT)
    from glaneur.enrich.services import analyse_posts

    analyse_posts([post.pk])
    slug = Actor.objects.get(name="Anne Roux").slug
    assert client.get(f"/api/posts/{post.pk}/voices").status_code == 404
    assert client.get(f"/api/actors/{slug}").status_code == 404
    assert client.get("/api/topics/interne/actors").status_code == 404


def test_a_curator_fixes_a_speaker_and_drops_a_quote(
    client: Client, analysed_post: Post, topic: Topic
) -> None:
    first, second = Quote.objects.filter(post=analysed_post)
    url = f"/api/quotes/{first.pk}/speaker"
    body = json.dumps({"name": "Paul Girard"})
    assert client.put(url, body, content_type="application/json").status_code in (401, 403)
    client.force_login(topic.owner)
    answer = client.put(url, body, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["speaker"]["name"] == "Paul Girard"
    assert answer.json()["corrected"] is True
    assert client.delete(f"/api/quotes/{second.pk}").status_code == 204
    assert list(Quote.objects.filter(post=analysed_post).values_list("pk", flat=True)) == [first.pk]
