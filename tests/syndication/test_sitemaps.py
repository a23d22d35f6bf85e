"""sitemap.xml (an index, one sitemap per listed topic) and robots.txt: only public content,
valid against the sitemaps.org schemas."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree

from glaneur.curation.models import Post, Topic
from tests.factories import make_posts, make_topic

SCHEMAS = Path(__file__).resolve().parent.parent / "fixtures" / "sitemaps"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def valid(content: bytes, schema: str) -> etree._Element:
    """The document, after checking it against the sitemaps.org schema (raises otherwise)."""
    document = etree.fromstring(content)
    etree.XMLSchema(etree.parse(str(SCHEMAS / schema))).assertValid(document)
    return document


def locs(document: etree._Element) -> list[str]:
    return [str(loc) for loc in document.xpath("//s:loc/text()", namespaces=NS)]


@pytest.fixture
def topics(curator: Any) -> dict[str, Topic]:
    return {
        kind: make_topic(curator, title=f"Topic {kind}", visibility=kind)
        for kind in ("public", "unlisted", "private")
    }


def test_the_index_lists_the_public_topics_only_and_validates(
    client: Client, topics: dict[str, Topic]
) -> None:
    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    index = valid(response.content, "siteindex.xsd")
    assert locs(index) == [
        "http://testserver/sitemap-home.xml",
        f"http://testserver/topic/{topics['public'].slug}/sitemap.xml",
    ]


def test_a_topic_sitemap_has_the_page_and_published_posts_with_lastmod(
    client: Client, topic: Topic, curated_posts: dict[str, Post]
) -> None:
    response = client.get(f"/topic/{topic.slug}/sitemap.xml")

    sitemap = valid(response.content, "sitemap.xsd")
    urls = locs(sitemap)
    assert urls[0] == f"http://testserver{topic.get_absolute_url()}"
    published = ("newest", "middle", "oldest", "pinned")  # newest first; pinning ignored
    assert urls[1:] == [
        f"http://testserver{curated_posts[k].get_absolute_url()}" for k in published
    ]
    for key in ("draft", "scheduled"):
        assert curated_posts[key].get_absolute_url() not in response.content.decode()
    lastmods = sitemap.xpath("//s:url/s:lastmod/text()", namespaces=NS)
    assert len(lastmods) == 5
    newest = curated_posts["newest"]
    newest.refresh_from_db()
    assert datetime.fromisoformat(str(lastmods[1])) == newest.updated_at.replace(microsecond=0)


def test_a_topic_sitemap_lastmod_follows_the_latest_change(client: Client, topic: Topic) -> None:
    old = make_posts(topic, 1)[0]
    later = timezone.now() + timedelta(days=2)
    Post.objects.filter(pk=old.pk).update(updated_at=later)

    index = valid(client.get("/sitemap.xml").content, "siteindex.xsd")

    topic_lastmod = index.xpath("//s:sitemap[2]/s:lastmod/text()", namespaces=NS)[0]
    assert datetime.fromisoformat(str(topic_lastmod)) == later.replace(microsecond=0)


@pytest.mark.parametrize("kind", ["unlisted", "private"])
def test_unlisted_and_private_topics_have_no_sitemap(
    client: Client, topics: dict[str, Topic], kind: str
) -> None:
    topic = topics[kind]
    make_posts(topic, 2)

    assert client.get(f"/topic/{topic.slug}/sitemap.xml").status_code == 404
    assert topic.slug not in client.get("/sitemap.xml").content.decode()
    assert topic.slug not in client.get("/sitemap-home.xml").content.decode()


def test_an_empty_site_still_has_a_valid_index(client: Client, db: Any) -> None:
    valid(client.get("/sitemap.xml").content, "siteindex.xsd")
    valid(client.get("/sitemap-home.xml").content, "sitemap.xsd")


def test_a_topic_past_one_sitemap_is_split_in_pages(
    client: Client, topic: Topic, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("glaneur.syndication.sitemaps.POSTS_PER_SITEMAP", 3)
    posts = make_posts(topic, 7, tags_per_post=0)

    index = locs(valid(client.get("/sitemap.xml").content, "siteindex.xsd"))
    base = f"http://testserver/topic/{topic.slug}/sitemap.xml"
    assert index[1:] == [base, f"{base}?p=2", f"{base}?p=3"]
    third = locs(valid(client.get(f"/topic/{topic.slug}/sitemap.xml?p=3").content, "sitemap.xsd"))
    assert third == [f"http://testserver{posts[0].get_absolute_url()}"]
    assert client.get(f"/topic/{topic.slug}/sitemap.xml?p=4").status_code == 404
    assert client.get(f"/topic/{topic.slug}/sitemap.xml?p=x").status_code == 404


def test_sitemaps_cost_the_same_queries_for_20_and_200_posts(client: Client, topic: Topic) -> None:
    make_posts(topic, 20)
    other = make_topic(topic.owner)
    make_posts(other, 5)

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count("/sitemap.xml"), count(f"/topic/{topic.slug}/sitemap.xml")
    make_posts(topic, 180)
    make_posts(make_topic(topic.owner), 3)
    assert (count("/sitemap.xml"), count(f"/topic/{topic.slug}/sitemap.xml")) == small


def test_robots_txt_opens_public_pages_and_closes_the_rest(client: Client, db: Any) -> None:
    from protego import Protego

    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text.splitlines()
    robots = Protego.parse(text)
    site = "http://testserver"
    for public in ("/", "/topic/emploi/", "/topic/emploi/p/3/forum/", "/topic/emploi/feed.rss"):
        assert robots.can_fetch(f"{site}{public}", "Googlebot"), public
    for closed in (
        "/api/topics",
        "/accounts/login/",
        "/search/?q=emploi",
        "/topic/emploi/search/?q=x",
        "/scoop/",
        "/topic/new/",
        "/topic/emploi/edit/",
        "/topic/emploi/drafts/",
        "/topic/emploi/p/3/edit/",
        "/topic/emploi/suggestions/",
        "/topic/emploi/embed/",
        "/click/3/",
    ):
        assert not robots.can_fetch(f"{site}{closed}", "Googlebot"), closed
    assert list(robots.sitemaps) == ["http://testserver/sitemap.xml"]
