"""The topic map and the ``?lieu=`` filter, as readers see them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from glaneur.curation import services
from glaneur.curation.models import Post, Topic
from glaneur.territories import services as places
from tests.factories import make_topic, make_user

pytestmark = pytest.mark.django_db(transaction=True)

STORIES = [
    ("Rallye des métiers en Deux-Sèvres", "Des forums à Niort, Melle et Parthenay."),
    ("Un forum à Niort", "La ville de Niort accueille les recruteurs."),
    ("L'école de la deuxième chance d'Agen", "À Agen, dans le Lot-et-Garonne."),
    ("Les déchets comme gisement d'emplois en Gironde", "Le supermarché inversé de Vayres."),
]


def publish_stories(topic: Topic, curator: Any, stories: list[tuple[str, str]]) -> list[Post]:
    return [services.create_post(topic, by=curator, title=t, summary=s) for t, s in stories]


def titles(html: str) -> set[str]:
    """The titles of the post cards of a page (articles with id post-N)."""
    ids = {int(n) for n in re.findall(r'<article[^>]* id="post-(\d+)"', html)}
    return set(Post.objects.filter(pk__in=ids).values_list("title", flat=True))


def test_the_map_shades_departments_and_places_communes(topic: Topic, curator: Any) -> None:
    publish_stories(topic, curator, STORIES)
    html = Client().get(reverse("territories:topic-map", args=[topic.slug])).content.decode()
    assert re.search(r'class="area shade-5" data-code="79"', html)  # the most named
    assert re.search(r'class="area shade-[1-4]" data-code="(47|33)"', html)
    assert 'class="area shade-0" data-code="17"' in html  # the others, drawn but not links
    assert 'data-code="67"' not in html  # framed on the shaded departments
    assert f'href="{topic.get_absolute_url()}?lieu=79"' in html
    for code in ("79191", "79174", "79202", "47001", "33539"):
        assert f'data-code="{code}"' in html  # a point per commune
    assert "Niort" in html and "Lot-et-Garonne" in html  # the lists, without script


def test_the_map_costs_the_same_queries_whatever_the_posts(
    topic: Topic, curator: Any, django_assert_max_num_queries: Any
) -> None:
    publish_stories(topic, curator, STORIES)
    client = Client()
    url = reverse("territories:topic-map", args=[topic.slug])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    publish_stories(topic, curator, STORIES * 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_drafts_and_private_topics_stay_off_the_map(curator: Any) -> None:
    public = make_topic(owner=curator)
    draft = services.create_post(
        public, by=curator, title="Un forum à Niort", status=Post.Status.DRAFT
    )
    places.locate_posts([draft.pk], force=True)
    html = Client().get(reverse("territories:topic-map", args=[public.slug])).content.decode()
    assert 'data-code="79191"' not in html
    secret = make_topic(owner=curator, visibility=Topic.Visibility.PRIVATE)
    publish_stories(secret, curator, STORIES[:1])
    assert Client().get(reverse("territories:topic-map", args=[secret.slug])).status_code == 404


def test_a_place_filters_the_stream(topic: Topic, curator: Any) -> None:
    publish_stories(topic, curator, STORIES)
    client = Client()
    url = topic.get_absolute_url()

    def shown(query: str) -> set[str]:
        return titles(client.get(url + query).content.decode())

    assert shown("?lieu=79") == {STORIES[0][0], STORIES[1][0]}  # the department
    assert shown("?lieu=79191") == {STORIES[0][0], STORIES[1][0]}  # Niort
    assert shown("?lieu=79174") == {STORIES[0][0]}  # Melle
    assert shown("?lieu=47") == {STORIES[2][0]}
    assert shown("?lieu=r75") == {s[0] for s in STORIES}  # Nouvelle-Aquitaine
    assert shown("?lieu=86") == set()
    assert shown("?lieu=n'importe") == {s[0] for s in STORIES}  # not a place: no filter
    assert "Deux-Sèvres" in client.get(url + "?lieu=79").content.decode()


def test_a_filtered_page_shows_a_post_located_after_it_was_cached(
    topic: Topic, curator: Any
) -> None:
    publish_stories(topic, curator, STORIES[:1])
    client = Client()
    url = topic.get_absolute_url() + "?lieu=79191"
    assert titles(client.get(url).content.decode()) == {STORIES[0][0]}
    later = publish_stories(topic, curator, STORIES[1:2])[0]
    assert titles(client.get(url).content.decode()) == {STORIES[0][0], STORIES[1][0]}
    places.correct_place(later, by=curator, kind="commune", code="79191", keep=False)
    assert titles(client.get(url).content.decode()) == {STORIES[0][0]}


def test_a_post_page_names_its_places_with_links_to_the_topic(topic: Topic, curator: Any) -> None:
    (post,) = publish_stories(topic, curator, STORIES[:1])
    html = Client().get(post.get_absolute_url()).content.decode()
    base = topic.get_absolute_url()
    for lieu, name in (("79191", "Niort"), ("79174", "Melle"), ("79", "Deux-Sèvres")):
        assert f'href="{base}?lieu={lieu}"' in html and name in html
    places.correct_place(post, by=curator, kind="commune", code="79174", keep=False)
    html = Client().get(post.get_absolute_url()).content.decode()
    assert f'href="{base}?lieu=79174"' not in html  # a place a curator dropped


def test_a_curator_drops_and_brings_back_a_place_from_the_edit_page(
    topic: Topic, curator: Any
) -> None:
    (post,) = publish_stories(topic, curator, STORIES[1:2])
    owner = Client()
    owner.force_login(curator)
    edit = owner.get(reverse("curation:post-edit", args=[topic.slug, post.pk])).content.decode()
    drop = reverse("territories:post-place", args=[topic.slug, post.pk, "commune", "79191"])
    assert f'action="{drop}"' in edit and "Niort" in edit
    assert owner.post(drop, {"keep": "0"}).status_code == 302
    assert places.places_by_post([post.pk]).get(post.pk, []) == []
    owner.post(drop, {"keep": "1"})
    assert [p.code for p in places.places_by_post([post.pk])[post.pk]] == ["79191"]
    stranger = Client()
    stranger.force_login(make_user("inconnu"))
    assert stranger.post(drop, {"keep": "0"}).status_code in (403, 404)
    assert [p.code for p in places.places_by_post([post.pk])[post.pk]] == ["79191"]
