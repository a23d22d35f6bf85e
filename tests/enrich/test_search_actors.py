"""A search for a person finds what they said (actors are searched with the posts), from
the posts the reader may see only."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from glaneur.curation.models import Membership, Post, Topic
from tests.enrich.conftest import ARTICLE, post_with
from tests.enrich.test_pages import PRIVATE, SECOND
from tests.factories import add_member, make_topic, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def capture(django_capture_on_commit_callbacks: Any) -> Any:
    def run(topic: Topic, summary: str = ARTICLE, **extra: Any) -> Post:
        with django_capture_on_commit_callbacks(execute=True):
            return post_with(topic, summary, **extra)

    return run


def search(client: Client, q: str, topic: Topic | None = None) -> str:
    url = reverse("search:topic-search", args=[topic.slug]) if topic else reverse("search:search")
    return str(client.get(url, {"q": q}).content.decode())


@pytest.mark.parametrize("q", ["Anne Roux", "anne roux", "roux", "ROUX #jeunes", '"Anne Roux"'])
def test_a_search_for_a_person_shows_their_quotes(
    client: Client, topic: Topic, capture: Any, q: str
) -> None:
    capture(topic, title="Niort")
    page = search(client, q)
    assert "Nous voulons accueillir les jeunes" in page
    assert "/acteurs/anne-roux/" in page


def test_a_search_shows_only_the_quotes_the_reader_may_see(
    client: Client, topic: Topic, capture: Any
) -> None:
    capture(topic, title="Niort")
    other = make_topic(make_user("autre"), title="Veille Poitou", slug="veille-poitou")
    capture(other, SECOND, title="Bilan")
    secret = make_topic(make_user("owner2"), title="Interne", slug="interne", visibility="private")
    capture(secret, PRIVATE, title="Réunion")
    everywhere = search(client, "Anne Roux")
    assert "Nous avons accompagné deux cents jeunes" in everywhere
    assert "Le budget de la mission locale" not in everywhere
    in_topic = search(client, "Anne Roux", topic)
    assert "Nous voulons accueillir" in in_topic and "deux cents jeunes" not in in_topic
    member = make_user("membre")
    add_member(secret, member, Membership.Role.CONTRIBUTOR)
    client.force_login(member)
    assert "Le budget de la mission locale" in search(client, "roux")


def test_a_search_that_names_nobody_shows_no_actor_and_few_queries(
    client: Client, topic: Topic, capture: Any
) -> None:
    capture(topic, title="Niort")
    assert "Nous voulons accueillir" not in search(client, "xylophone")
    assert "Nous voulons accueillir" not in search(client, "ro")  # too short to name anyone
    with CaptureQueriesContext(connection) as few:
        search(client, "Anne Roux")
    for n in range(4):
        capture(topic, ARTICLE.replace("Niort", f"Niort {n}"), title=f"Niort {n}")
    with CaptureQueriesContext(connection) as many:
        search(client, "Anne Roux")
    assert len(many) == len(few)
