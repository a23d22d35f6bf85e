"""RSS 2.0, Atom and JSON Feed of a topic and of its tags."""

from __future__ import annotations

import importlib
import json
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from glaneur.cache import fragment_cache
from glaneur.curation.models import Post, Tag, Topic
from glaneur.curation.services import create_post, publish, update_post
from tests.factories import make_posts, make_topic

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
BASE = "http://testserver"
PUBLISHED_ORDER = ["newest", "middle", "oldest", "pinned"]


def parse_xml(body: bytes) -> ET.Element:
    return ET.fromstring(body)  # noqa: S314 - our own output, not untrusted input


def fetch(client: Client, name: str, *args: str) -> Any:
    response = client.get(reverse(f"syndication:{name}", args=args))
    assert response.status_code == 200, response.content[:500]
    return response


def rss_items(client: Client, *args: str, name: str = "topic-rss") -> list[ET.Element]:
    root = parse_xml(fetch(client, name, *args).content)
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    return root.findall("./channel/item")


def atom_entries(client: Client, *args: str, name: str = "topic-atom") -> list[ET.Element]:
    root = parse_xml(fetch(client, name, *args).content)
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


def json_feed(client: Client, *args: str, name: str = "topic-json") -> dict[str, Any]:
    response = fetch(client, name, *args)
    assert response["Content-Type"].startswith("application/feed+json")
    return json.loads(response.content)


def page_url(post: Post) -> str:
    return BASE + post.get_absolute_url()


def entry_id(post: Post) -> str:
    """The id-only URL of the post page: the id of its feed entries."""
    return f"{BASE}/topic/{post.topic.slug}/p/{post.pk}/-/"


# --- RSS 2.0 ----------------------------------------------------------------------------------


def test_rss_lists_published_posts_newest_first_ignoring_pins(
    client: Client, topic: Topic, curated_posts: dict[str, Post]
) -> None:
    items = rss_items(client, topic.slug)

    assert [item.findtext("title") for item in items] == [
        curated_posts[key].title for key in PUBLISHED_ORDER
    ]


def test_rss_channel_describes_the_topic(
    client: Client, topic: Topic, curated_posts: dict[str, Post]
) -> None:
    channel = parse_xml(fetch(client, "topic-rss", topic.slug).content).find("channel")

    assert channel is not None
    assert channel.findtext("title") == topic.title
    assert channel.findtext("link") == BASE + topic.get_absolute_url()
    assert channel.findtext("language") == "fr"
    self_link = channel.find(f"{ATOM}link")
    assert self_link is not None
    assert self_link.get("href") == f"{BASE}/topic/{topic.slug}/feed.rss"


def test_rss_item_carries_link_guid_author_date_categories_and_content(
    client: Client, topic: Topic, curated_posts: dict[str, Post]
) -> None:
    post = curated_posts["middle"]
    item = rss_items(client, topic.slug)[1]

    assert item.findtext("title") == "Mission locale & CCI : <un> partenariat"
    assert item.findtext("link") == page_url(post)
    guid = item.find("guid")
    assert guid is not None
    assert guid.text == entry_id(post)
    assert guid.get("isPermaLink") == "true"
    assert item.findtext(f"{DC}creator") == "Cap Métiers NA"
    assert item.findtext("pubDate") is not None
    assert sorted(c.text or "" for c in item.findall("category")) == ["Emploi", "Territoires"]
    description = item.findtext("description") or ""
    assert "<strong>disent</strong>" in description  # the insight, as sanitised HTML
    assert 'href="https://news.example.org/middle"' in description  # the source
    # The summary is plain text: escaped, never markup.
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; d&#x27;autres" in description
    assert "<script>" not in description


# --- Atom -------------------------------------------------------------------------------------


def test_atom_entries_in_order_with_ids_authors_and_categories(
    client: Client, topic: Topic, curated_posts: dict[str, Post]
) -> None:
    entries = atom_entries(client, topic.slug)

    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
        curated_posts[key].title for key in PUBLISHED_ORDER
    ]
    entry, post = entries[1], curated_posts["middle"]
    assert entry.findtext(f"{ATOM}id") == entry_id(post)
    link = entry.find(f"{ATOM}link")
    assert link is not None
    assert link.get("href") == page_url(post)
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Cap Métiers NA"
    assert entry.findtext(f"{ATOM}published") is not None
    assert entry.findtext(f"{ATOM}updated") is not None
    terms = sorted(c.get("term") or "" for c in entry.findall(f"{ATOM}category"))
    assert terms == ["Emploi", "Territoires"]
    summary = entry.find(f"{ATOM}summary")
    assert summary is not None
    assert summary.get("type") == "html"
    assert "<strong>disent</strong>" in (summary.text or "")


# --- JSON Feed --------------------------------------------------------------------------------


def test_json_feed_follows_version_1_1(
    client: Client, topic: Topic, curated_posts: dict[str, Post]
) -> None:
    feed = json_feed(client, topic.slug)

    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == topic.title
    assert feed["home_page_url"] == BASE + topic.get_absolute_url()
    assert feed["feed_url"] == f"{BASE}/topic/{topic.slug}/feed.json"
    assert feed["language"] == "fr"
    assert [item["title"] for item in feed["items"]] == [
        curated_posts[key].title for key in PUBLISHED_ORDER
    ]
    item, post = feed["items"][1], curated_posts["middle"]
    assert item["id"] == entry_id(post)
    assert item["url"] == page_url(post)
    assert item["external_url"] == "https://news.example.org/middle"
    assert item["authors"] == [{"name": "Cap Métiers NA"}]
    assert sorted(item["tags"]) == ["Emploi", "Territoires"]
    assert "<strong>disent</strong>" in item["content_html"]
    assert "<script>" not in item["content_html"]
    assert item["summary"] == post.summary
    assert datetime.fromisoformat(item["date_published"]) == post.curated_at


# --- Filtering and visibility -----------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_feeds_leave_out_drafts_and_scheduled_posts(
    client: Client, topic: Topic, curated_posts: dict[str, Post], fmt: str
) -> None:
    body = fetch(client, f"topic-{fmt}", topic.slug).content.decode()

    assert "Article newest" in body
    assert "Article draft" not in body
    assert "Article scheduled" not in body


def test_tag_feeds_keep_only_the_tags_posts(
    client: Client, topic: Topic, curated_posts: dict[str, Post]
) -> None:
    tagged = ["newest", "middle", "pinned"]  # tagged Emploi, newest first; drafts left out
    expected = [curated_posts[key].title for key in tagged]

    rss = rss_items(client, topic.slug, "emploi", name="tag-rss")
    atom = atom_entries(client, topic.slug, "emploi", name="tag-atom")
    feed = json_feed(client, topic.slug, "emploi", name="tag-json")

    assert [item.findtext("title") for item in rss] == expected
    assert [entry.findtext(f"{ATOM}title") for entry in atom] == expected
    assert [item["title"] for item in feed["items"]] == expected
    assert feed["title"] == f"{topic.title} — #Emploi"
    assert feed["feed_url"] == f"{BASE}/topic/{topic.slug}/tag/emploi/feed.json"
    assert feed["home_page_url"] == f"{BASE}{topic.get_absolute_url()}?tag=emploi"


def test_tag_feed_accepts_accented_tag_slugs(client: Client, topic: Topic, curator: Any) -> None:
    create_post(topic, by=curator, title="Égalité", url="https://a.example/1", tags="Égalité")
    tag = Tag.objects.get(name="Égalité")

    feed = json_feed(client, topic.slug, tag.slug, name="tag-json")

    assert [item["title"] for item in feed["items"]] == ["Égalité"]


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_unknown_tag_or_topic_is_404(client: Client, topic: Topic, fmt: str) -> None:
    assert client.get(f"/topic/{topic.slug}/tag/nothing-here/feed.{fmt}").status_code == 404
    assert client.get(f"/topic/no-such-topic/feed.{fmt}").status_code == 404


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_private_topic_feeds_are_404_even_for_its_curator(
    client: Client, curator: Any, fmt: str
) -> None:
    private = make_topic(curator, visibility=Topic.Visibility.PRIVATE)
    make_posts(private, 3)
    client.force_login(curator)  # feeds are anonymous: being logged in changes nothing

    assert client.get(f"/topic/{private.slug}/feed.{fmt}").status_code == 404
    assert client.get(f"/topic/{private.slug}/tag/tag-0/feed.{fmt}").status_code == 404


def test_unlisted_topic_has_feeds(client: Client, curator: Any) -> None:
    unlisted = make_topic(curator, visibility=Topic.Visibility.UNLISTED)
    make_posts(unlisted, 2)

    assert len(json_feed(client, unlisted.slug)["items"]) == 2


def test_feeds_hold_the_30_latest_posts(client: Client, topic: Topic) -> None:
    posts = make_posts(topic, 35)  # newest last

    titles = [item["title"] for item in json_feed(client, topic.slug)["items"]]

    assert titles == [post.title for post in reversed(posts[-30:])]


def test_feed_text_follows_the_topic_language(client: Client, curator: Any) -> None:
    english = make_topic(curator, language="en", title="Local initiatives")
    make_posts(english, 1)

    rss = parse_xml(fetch(client, "topic-rss", english.slug).content)
    feed = json_feed(client, english.slug)

    assert rss.findtext("channel/language") == "en"
    assert feed["language"] == "en"
    assert "Source: " in feed["items"][0]["content_html"]


# --- Cost -------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
@pytest.mark.parametrize("tagged", [False, True])
def test_feed_costs_the_same_queries_for_20_and_200_posts(
    client: Client, topic: Topic, fmt: str, tagged: bool
) -> None:
    url = (
        f"/topic/{topic.slug}/tag/tag-1/feed.{fmt}" if tagged else f"/topic/{topic.slug}/feed.{fmt}"
    )
    make_posts(topic, 20)
    client.get(url)  # warm-up: the sites framework caches the current Site after one query
    fragment_cache.clear()  # measure the feed being built, not served from its cache

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    make_posts(topic, 180)
    fragment_cache.clear()
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200

    assert len(small) == len(large), [q["sql"] for q in large.captured_queries]
    assert len(large) <= 6  # topic and stamp for the cache, then topic, tag, posts, tags


def test_cached_feed_shows_a_new_post_at_the_next_poll(client: Client, topic: Topic) -> None:
    url = f"/topic/{topic.slug}/feed.atom"
    make_posts(topic, 3)
    client.get(url)
    with CaptureQueriesContext(connection) as cached:
        assert client.get(url).status_code == 200
    assert len(cached) == 2  # the topic and its stamp: the feed itself came from the cache
    fresh = make_posts(topic, 1)[0]
    assert fresh.title in client.get(url).content.decode()


# --- Autodiscovery ----------------------------------------------------------------------------


def test_autodiscovery_links_the_three_topic_feeds(topic: Topic) -> None:
    html = render_to_string("syndication/autodiscovery.html", {"topic": topic})

    assert html.count('rel="alternate"') == 3
    for mime, ext in [("rss+xml", "rss"), ("atom+xml", "atom"), ("feed+json", "json")]:
        assert f'type="application/{mime}"' in html
        assert f'href="/topic/{topic.slug}/feed.{ext}"' in html
    assert "Initiatives locales et paroles d&#x27;acteurs (RSS)" in html


def test_autodiscovery_links_a_tags_feeds(topic: Topic) -> None:
    tag = Tag.objects.create(name="Emploi", slug="emploi")

    html = render_to_string("syndication/autodiscovery.html", {"topic": topic, "tag": tag})

    assert html.count('rel="alternate"') == 3
    assert f'href="/topic/{topic.slug}/tag/emploi/feed.atom"' in html
    assert "— #Emploi (Atom)" in html


def test_autodiscovery_is_silent_for_a_private_topic(curator: Any) -> None:
    private = make_topic(curator, visibility=Topic.Visibility.PRIVATE)

    assert "<link" not in render_to_string("syndication/autodiscovery.html", {"topic": private})


# --- Entry ids --------------------------------------------------------------------------------


def feed_ids(client: Client, topic: Topic) -> list[str]:
    """The first entry's id in RSS, Atom and JSON Feed."""
    fragment_cache.clear()
    guid = rss_items(client, topic.slug)[0].findtext("guid") or ""
    atom_id = atom_entries(client, topic.slug)[0].findtext(f"{ATOM}id") or ""
    return [guid, atom_id, json_feed(client, topic.slug)["items"][0]["id"]]


def test_retitling_a_post_keeps_its_entry_ids_in_the_three_feeds(
    client: Client, topic: Topic, curator: Any
) -> None:
    post = create_post(topic, by=curator, title="Premier titre", url="https://example.org/a")
    before = feed_ids(client, topic)

    update_post(post, by=curator, title="Un tout autre titre")

    post.refresh_from_db()
    assert post.slug == "un-tout-autre-titre"  # the page's URL did change
    assert feed_ids(client, topic) == before == [entry_id(post)] * 3
    # The id is a working permalink: it leads to the post page under its new URL.
    response = client.get(entry_id(post).removeprefix(BASE))
    assert response.status_code == 301
    assert response["Location"] == post.get_absolute_url()


def test_entries_published_before_keep_the_ids_they_had_after_a_retitle(
    client: Client, topic: Topic, curator: Any
) -> None:
    """The migration froze the ids feeds used to publish (the page URL with the slug then)."""
    old = create_post(topic, by=curator, title="Déjà publié", url="https://example.org/old")
    draft = create_post(
        topic, by=curator, title="Brouillon", url="https://example.org/d", status=Post.Status.DRAFT
    )
    published_url = page_url(old)
    freeze = importlib.import_module("glaneur.syndication.migrations.0001_published_entry_ids")
    freeze.freeze_published_ids(django_apps, None)

    update_post(old, by=curator, title="Déjà publié, retitré")
    publish(draft, by=curator)

    assert page_url(Post.objects.get(pk=old.pk)) != published_url
    ids = {item["title"]: item["id"] for item in json_feed(client, topic.slug)["items"]}
    assert ids["Déjà publié, retitré"] == published_url
    assert ids["Brouillon"] == entry_id(draft)  # never published then: the id-only URL
    rss = {i.findtext("title"): i.findtext("guid") for i in rss_items(client, topic.slug)}
    atom = {
        e.findtext(f"{ATOM}title"): e.findtext(f"{ATOM}id")
        for e in atom_entries(client, topic.slug)
    }
    assert rss == atom == ids
