"""The search pages: across topics from the header box, within a topic from its page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from glaneur.curation.models import Post, Topic
from glaneur.search.backends import get_backend
from glaneur.search.services import index_posts
from tests.factories import make_posts, make_topic, make_user

pytestmark = pytest.mark.django_db


def test_search_page_shows_highlighted_hits(
    client: Client, topic: Topic, write_post: Callable[..., Post]
) -> None:
    write_post(topic, "Les emplois verts", summary="Des formations <b>nouvelles</b>.")
    response = client.get(reverse("search:search"), {"q": "emploi formations"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark>emplois</mark>" in html
    assert "<mark>formations</mark>" in html
    assert "&lt;b&gt;nouvelles&lt;/b&gt;" in html
    assert topic.title.replace("'", "&#x27;") in html


def test_search_page_without_query_or_hit(client: Client, topic: Topic) -> None:
    assert client.get(reverse("search:search")).status_code == 200
    response = client.get(reverse("search:search"), {"q": '"(( -', "page": "x"})
    assert response.status_code == 200
    response = client.get(reverse("search:search"), {"q": "introuvable"})
    assert "introuvable" in response.content.decode()


def test_topic_page_has_a_search_box(client: Client, topic: Topic) -> None:
    html = client.get(topic.get_absolute_url()).content.decode()
    assert reverse("search:topic-search", args=[topic.slug]) in html


def test_topic_search_page(client: Client, topic: Topic, write_post: Callable[..., Post]) -> None:
    other = make_topic(title="Autre")
    write_post(topic, "Formation ici")
    write_post(other, "Formation ailleurs")
    response = client.get(reverse("search:topic-search", args=[topic.slug]), {"q": "formation"})
    html = response.content.decode()
    assert "<mark>Formation</mark> ici" in html
    assert "ailleurs" not in html


def test_private_topic_search_is_hidden_from_strangers(
    client: Client, write_post: Callable[..., Post]
) -> None:
    owner = make_user()
    private = make_topic(owner, title="Secret", visibility=Topic.Visibility.PRIVATE)
    write_post(private, "Plan confidentiel")
    url = reverse("search:topic-search", args=[private.slug])
    assert client.get(url, {"q": "plan"}).status_code == 404
    assert (
        "confidentiel" not in client.get(reverse("search:search"), {"q": "plan"}).content.decode()
    )
    client.force_login(owner)
    assert "<mark>Plan</mark> confidentiel" in client.get(url, {"q": "plan"}).content.decode()


def test_pagination_links(client: Client, topic: Topic) -> None:
    index_posts(post.pk for post in make_posts(topic, 25))
    html = client.get(reverse("search:search"), {"q": "summary"}).content.decode()
    assert html.count('class="search-hit"') == 20
    assert "page=2" in html
    html = client.get(reverse("search:search"), {"q": "summary", "page": 2}).content.decode()
    assert html.count('class="search-hit"') == 5
    assert 'rel="prev"' in html and 'rel="next"' not in html


@pytest.mark.parametrize("count", [20, 200])
def test_search_page_query_count_does_not_grow(
    client: Client, django_assert_max_num_queries: Any, count: int, monkeypatch: Any
) -> None:
    monkeypatch.setattr(type(get_backend()), "shard_size", 15)  # 200 posts: 14 or 15 shards
    topic = make_topic()
    index_posts(post.pk for post in make_posts(topic, count, tags_per_post=3))
    # The index's shards, ranked ids (the newest two shards, then the next eight, then the
    # others, as long as candidates are lacking), the visible posts among the best with
    # their tags; and the quotes of the people the words may name (one, enrich).
    with django_assert_max_num_queries(6):
        response = client.get(reverse("search:search"), {"q": "summary post"})
    assert response.content.decode().count('class="search-hit"') == 20


@pytest.mark.parametrize("count", [20, 200])
def test_topic_search_page_query_count_does_not_grow(
    client: Client, django_assert_max_num_queries: Any, count: int, monkeypatch: Any
) -> None:
    monkeypatch.setattr(type(get_backend()), "shard_size", 15)
    topic = make_topic()
    index_posts(post.pk for post in make_posts(topic, count))
    # The topic, its stamp (the results' cache key), then the same ones as across topics.
    with django_assert_max_num_queries(8):
        client.get(reverse("search:topic-search", args=[topic.slug]), {"q": "summary"})


def test_a_topic_search_is_shared_by_its_readers_until_the_index_changes(
    client: Client, topic: Topic, write_post: Callable[..., Post], django_assert_num_queries: Any
) -> None:
    write_post(topic, "Forum des emplois saisonniers")
    url = reverse("search:topic-search", args=[topic.slug])
    first = client.get(url, {"q": "emploi"}).content.decode()
    assert first.count('class="search-hit"') == 1
    # Another reader, the same search: the results come from the cache (no index query).
    reader = Client()
    reader.force_login(make_user("lectrice"))
    with django_assert_num_queries(6):  # session, user, topic, stamp, actors (2)
        again = reader.get(url, {"q": "emploi"}).content.decode()
    assert again.count('class="search-hit"') == 1
    # A post indexed later shows at once: the index step moved the topic's indexed_at.
    before = Topic.objects.get(pk=topic.pk).indexed_at
    write_post(topic, "Les emplois de l'aide à domicile")
    assert Topic.objects.get(pk=topic.pk).indexed_at > before
    assert client.get(url, {"q": "emploi"}).content.decode().count('class="search-hit"') == 2
