"""What a reader sees on each page: titles, descriptions, empty and error states, the home
page's cards (issue 13). The validators and the 390 px check are in test_page_checks.py."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from glaneur.audience.models import Follow
from glaneur.curation.models import Membership, Post, Topic
from glaneur.curation.services import create_post
from tests.factories import add_member, make_posts, make_topic, make_user

pytestmark = pytest.mark.django_db


def meta_description(html: str) -> str:
    found = re.findall(r'<meta name="description" content="([^"]*)">', html)
    assert len(found) == 1, found
    return found[0]


def title(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match
    return match.group(1).strip()


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


# --- Titles and descriptions ------------------------------------------------------------------


def test_every_reader_page_has_a_description_and_a_title_naming_it(
    client: Client, topic: Topic, curator: Any, settings: Any
) -> None:
    settings.GLANEUR_ABOUT = "La veille des acteurs de l'emploi en Nouvelle-Aquitaine."
    post = create_post(topic, by=curator, title="Un titre", url="https://e.org/a", summary="")
    bare = make_topic(curator, title="Sans description", description="")
    pages = {
        "/": ("La veille des acteurs de l&#x27;emploi en Nouvelle-Aquitaine.", "Glaneur"),
        bare.get_absolute_url(): ("Posts curated in “Sans description”.", "Sans description"),
        post.get_absolute_url(): ("A post curated in “Initiatives", "Un titre | Initiatives"),
        "/u/curator/": ("The topics and posts Cap Métiers NA curates on Glaneur.", "Cap Métiers"),
        "/search/?q=emploi": ("La veille des acteurs", "“emploi”"),
        "/accounts/login/": ("La veille des acteurs", "Log in"),
    }
    english(client)
    for url, (description, where) in pages.items():
        html = client.get(url).content.decode()
        assert meta_description(html).startswith(description), url
        assert title(html).startswith(where), url


def test_a_topic_description_and_a_post_summary_describe_their_pages(
    client: Client, topic: Topic, curator: Any
) -> None:
    topic.description = "Ce que font les acteurs locaux."
    topic.save()
    post = create_post(topic, by=curator, title="T", url="https://e.org/b", summary="Un résumé.")

    assert meta_description(client.get(topic.get_absolute_url()).content.decode()) == (
        "Ce que font les acteurs locaux."
    )
    assert meta_description(client.get(post.get_absolute_url()).content.decode()) == "Un résumé."


# --- The post page ----------------------------------------------------------------------------


def test_the_post_page_has_its_title_as_h1_and_links_its_source(
    client: Client, topic: Topic, curator: Any
) -> None:
    post = create_post(
        topic, by=curator, title="Le titre", url="https://news.example.org/a", site_name="News"
    )
    html = client.get(post.get_absolute_url()).content.decode()

    assert re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S) == ["Le titre"]
    # (the link also pings the click beacon: tests/analytics/test_clicks.py)
    assert re.search(
        r'<p class="source"><a href="https://news\.example\.org/a" rel="noopener"[^>]*>News</a>',
        html,
    )
    # The topic page keeps one h1 (the topic) and the posts as h2.
    stream = client.get(topic.get_absolute_url()).content.decode()
    assert len(re.findall(r"<h1", stream)) == 1
    assert '<h2 class="post-title"' in stream


# --- Empty states -----------------------------------------------------------------------------


def test_a_page_past_the_end_says_so_and_links_the_last_page(
    client: Client, topic: Topic, settings: Any
) -> None:
    settings.GLANEUR_POSTS_PER_PAGE = 5
    make_posts(topic, 12)
    html = english(client).get(topic.get_absolute_url() + "?page=999").content.decode()

    assert "There is no page 999: this list has 3 pages." in html
    assert '<a href="?page=3">Go to the last page (3)</a>' in html


def test_a_page_that_is_not_a_number_shows_the_first_page_and_says_why(
    client: Client, topic: Topic
) -> None:
    make_posts(topic, 2)
    html = english(client).get(topic.get_absolute_url() + "?page=abc").content.decode()

    assert "“abc” is not a page number: here is the first page." in html
    assert html.count('class="post ') + html.count('class="post"') == 2


def test_an_unknown_tag_lists_the_tags_the_topic_has(client: Client, topic: Topic) -> None:
    make_posts(topic, 3, tag_pool=2)
    html = english(client).get(topic.get_absolute_url() + "?tag=nulle-part").content.decode()

    assert "No post of this topic has the tag #nulle-part." in html
    assert '<a href="?tag=tag-0">#tag 0</a>' in html and '<a href="?tag=tag-1">#tag 1</a>' in html


def test_an_empty_topic_says_no_post_yet_and_what_to_do(
    client: Client, topic: Topic, curator: Any
) -> None:
    html = english(client).get(topic.get_absolute_url()).content.decode()
    assert "No post yet." in html and "Follow the topic" in html

    client.force_login(curator)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "No post yet." in html and f"/scoop/?topic={topic.slug}" in html


def test_a_search_without_result_repeats_the_words_and_suggests_what_to_try(
    client: Client, topic: Topic
) -> None:
    html = english(client).get(f"/topic/{topic.slug}/search/?q=xylophone").content.decode()

    assert "No post matches “xylophone”." in html
    assert "Check the spelling" in html
    assert 'href="/search/?q=xylophone"' in html  # the same words over every topic


# --- Error pages ------------------------------------------------------------------------------


def test_404_and_403_pages_are_in_the_site_layout_and_the_readers_language(
    client: Client, curator: Any
) -> None:
    private = make_topic(curator, visibility=Topic.Visibility.PRIVATE)
    english(client)
    missing = client.get("/topic/nothing-here/")
    assert missing.status_code == 404
    html = missing.content.decode()
    assert '<html lang="en">' in html and 'class="site-header"' in html
    assert "<h1>Page not found</h1>" in html and 'role="search"' in html

    forbidden = client.get(private.get_absolute_url())
    assert forbidden.status_code in (403, 404)
    assert 'class="site-header"' in forbidden.content.decode()

    client.cookies["django_language"] = "fr"
    assert "<h1>Page introuvable</h1>" in client.get("/topic/nothing-here/").content.decode()


def test_the_500_page_is_in_the_site_layout_and_the_readers_language(
    topic: Topic, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr("glaneur.reading.views.topic_view_counts", broken)
    client = english(Client(raise_request_exception=False))
    response = client.get(topic.get_absolute_url())

    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="en">' in html and 'class="site-header"' in html
    assert "<h1>Server error</h1>" in html
    client.cookies["django_language"] = "fr"
    assert "<h1>Erreur du serveur</h1>" in client.get(topic.get_absolute_url()).content.decode()


def test_the_500_page_falls_back_to_a_bare_page_when_the_layout_fails(
    rf: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from glaneur.reading import errors

    def broken(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("the database is down")

    monkeypatch.setattr(errors.loader, "render_to_string", broken)
    response = errors.server_error(rf.get("/"))

    assert response.status_code == 500
    assert "Erreur du serveur / Server error" in response.content.decode()


# --- Home page --------------------------------------------------------------------------------


def test_home_shows_topics_as_cards_most_active_first(client: Client, settings: Any) -> None:
    settings.GLANEUR_ABOUT = "Une instance pour les observatoires."
    quiet_owner = make_user("quiet", first_name="Calme")
    quiet = make_topic(quiet_owner, title="Calme", description="Un sujet calme.")
    old = create_post(quiet, by=quiet_owner, title="Vieux", url="https://e.org/old")
    Post.objects.filter(pk=old.pk).update(curated_at=timezone.now() - timedelta(days=90))
    busy_owner = make_user("busy", first_name="Affairée")
    busy = make_topic(busy_owner, title="Actif", description="Un sujet actif.", language="en")
    add_member(busy, make_user("helper", first_name="Aide"), Membership.Role.EDITOR)
    make_posts(busy, 3)
    create_post(
        busy, by=busy_owner, title="Dernier", url="https://e.org/last",
        image_url="https://e.org/picture.jpg",
    )  # fmt: skip
    Follow.objects.create(user=make_user(), topic=busy)
    Follow.objects.create(user=make_user(), topic=busy)
    make_topic(title="Privé", visibility=Topic.Visibility.PRIVATE)

    html = english(client).get("/").content.decode()

    assert html.index(">Actif</a>") < html.index(">Calme</a>")
    assert "Privé" not in html
    card = html[html.index(">Actif</a>") : html.index(">Calme</a>")]
    assert "Un sujet actif." in card
    assert "Curated by Affairée, Aide" in card
    assert "4 posts" in card and "2 followers" in card
    assert "Updated <time" in card
    assert '<img src="https://e.org/picture.jpg"' in html
    assert "Une instance pour les observatoires." in html
    assert 'role="search"' in html and 'action="/search/"' in html
    assert '<a href="?lang=en" lang="en">English</a>' in html
    only_english = client.get("/?lang=en").content.decode()
    assert ">Actif</a>" in only_english and ">Calme</a>" not in only_english


def test_home_costs_the_same_queries_for_3_and_30_topics(client: Client) -> None:
    def add_topics(count: int) -> None:
        for _ in range(count):
            topic = make_topic()
            add_member(topic, make_user(), Membership.Role.CONTRIBUTOR)
            make_posts(topic, 2, tags_per_post=0)
            Follow.objects.create(user=make_user(), topic=topic)

    add_topics(3)
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/").content.decode().count('class="topic-card"') == 3
    add_topics(27)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/").content.decode().count('class="topic-card"') == 30

    assert len(few) == len(many), [q["sql"] for q in many.captured_queries]
    assert len(many) <= 4  # languages, topics with their counts, curators (and the session)


# --- Statistics -------------------------------------------------------------------------------


def test_the_stats_charts_last_label_ends_inside_the_chart(
    client: Client, topic: Topic, curator: Any
) -> None:
    client.force_login(curator)
    html = client.get(f"/topic/{topic.slug}/stats/").content.decode()

    size = re.search(r'viewBox="0 0 (\d+) (\d+)"', html)
    assert size
    width, height = size.groups()
    # The day labels under the axis (the value labels left of it end at the axis).
    days = re.findall(rf'<text x="([\d.]+)" y="{int(height) - 4}" text-anchor="(\w+)">', html)
    assert len(days) > 2
    assert days[-1] == (width, "end")
    assert all(anchor == "middle" for _, anchor in days[:-1])


def test_a_curators_name_shows_once_when_two_accounts_bear_it(client: Client) -> None:
    """A Scoop.it import makes an owner account; its person may have one of the same name."""
    topic = make_topic(make_user("imported", first_name="Cap Métiers NA"), title="Importé")
    add_member(topic, make_user("person", first_name="Cap Métiers NA"), Membership.Role.OWNER)

    for url in ("/", topic.get_absolute_url()):
        html = english(client).get(url).content.decode()
        assert "Curated by Cap Métiers NA</p>" in html, url
