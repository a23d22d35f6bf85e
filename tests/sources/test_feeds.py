"""Every kind of source, polled from a real feed server on loopback: RSS 2.0, RSS 1.0, Atom,
JSON Feed, a broken feed, a page with feed autodiscovery and one without."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import translation

from glaneur.sources import fastfeeds, feeds
from glaneur.sources.feeds import FeedError, parse, read_with_feedparser
from glaneur.sources.models import Candidate, Source
from glaneur.sources.polling import poll_source, poll_topic
from tests.sources.feedserver import BROKEN, FeedServer, atom, entries, rss1, rss2

pytestmark = pytest.mark.django_db


def add_source(topic: Any, url: str, kind: str = Source.Kind.FEED) -> Source:
    return Source.objects.create(topic=topic, url=url, kind=kind)


@pytest.mark.parametrize(
    ("path", "version"),
    [
        ("/rss2/a.xml", "RSS 2.0"),
        ("/rss1/a.rdf", "RSS 1.0"),
        ("/atom/a.xml", "Atom"),
        ("/json/a.json", "JSON Feed"),
    ],
)
def test_each_kind_of_feed_gives_its_items_as_candidates(
    topic: Any, feed_server: FeedServer, path: str, version: str
) -> None:
    source = add_source(topic, feed_server.url(f"{path}?n=5"))
    outcome = poll_source(source.pk)
    assert (outcome.state, outcome.created, outcome.found) == ("new", 5, 5), version
    newest = Candidate.objects.get(url=feed_server.url("/articles/a/0"))
    assert "(a-0)" in newest.title
    assert newest.summary.startswith(
        "Résumé de l'article 0 de la source a : initiatives & acteurs."
    )
    assert newest.published_at is not None
    assert list(newest.sources.all()) == [source]
    source.refresh_from_db()
    assert source.title == "Source a"
    assert source.items_found == 5 and source.last_polled_at is not None
    assert source.error_count == 0 and source.claimed_until is None
    assert source.etag.startswith('"')


def test_images_of_rss_enclosures_and_json_feed_items_are_kept(
    topic: Any, feed_server: FeedServer
) -> None:
    for path in ("/rss2/b.xml?n=1", "/json/c.json?n=1"):
        poll_source(add_source(topic, feed_server.url(path)).pk)
    images = set(Candidate.objects.values_list("image_url", flat=True))
    assert images == {feed_server.url("/articles/b/0.jpg"), feed_server.url("/articles/c/0.jpg")}


def test_a_broken_feed_marks_its_source_in_error_and_the_others_go_on(
    topic: Any, feed_server: FeedServer, settings: Any
) -> None:
    settings.GLANEUR_POLL_THREADS = 1  # in this test's transaction
    broken = add_source(topic, feed_server.url("/broken.xml"))
    truncated = add_source(topic, feed_server.url("/truncated.xml"))
    good = add_source(topic, feed_server.url("/rss2/good.xml?n=3"))
    outcomes = {o.source_id: o for o in poll_topic(topic, force=True)}
    assert outcomes[broken.pk].state == outcomes[truncated.pk].state == "failed"
    assert outcomes[good.pk].state == "new" and outcomes[good.pk].created == 3
    broken.refresh_from_db()
    truncated.refresh_from_db()
    assert broken.in_error and broken.error_count == 1
    # In words, in the site's language (French unless a request asks for another).
    assert broken.last_error == "La source n’est ni un flux RSS, Atom ou JSON, ni une page web."
    assert truncated.last_error.startswith("La source n’est pas un flux lisible (")
    assert broken.claimed_until is None and broken.last_polled_at is not None
    assert broken.next_poll_at > broken.last_polled_at
    assert Candidate.objects.filter(sources__in=[broken, truncated]).count() == 0


def test_the_reason_a_feed_is_refused_is_translated() -> None:
    with translation.override("fr"), pytest.raises(FeedError) as refused:
        parse(b"<p>Une page</p>", "text/html", "https://example.org/")
    assert str(refused.value) == "La page ne déclare aucun flux et ne renvoie vers aucun article."
    with translation.override("fr"), pytest.raises(FeedError) as refused:
        parse(b'{"items": []}', "application/json", "https://example.org/feed.json")
    assert "JSON Feed" in str(refused.value) and str(refused.value).startswith("La source")
    with translation.override("fr"), pytest.raises(FeedError) as refused:
        parse(BROKEN, "application/rss+xml", "https://example.org/feed.xml")
    assert str(refused.value) == "La source n’est ni un flux RSS, Atom ou JSON, ni une page web."


def test_a_page_that_declares_its_feed_is_polled_through_that_feed(
    topic: Any, feed_server: FeedServer
) -> None:
    page = add_source(topic, feed_server.url("/page-with-feed.html"), Source.Kind.PAGE)
    outcome = poll_source(page.pk)
    assert (outcome.state, outcome.created) == ("new", 5)
    page.refresh_from_db()
    assert page.feed_url == feed_server.url("/rss2/discovered.xml?n=5")
    assert page.url == feed_server.url("/page-with-feed.html")
    assert set(Candidate.objects.values_list("url", flat=True)) == {
        feed_server.url(f"/articles/discovered/{i}") for i in range(5)
    }
    # Next time the feed is asked for directly, conditionally: the page is not read again.
    assert poll_source(page.pk, force=True).state == "not_modified"
    assert feed_server.count("/page-with-feed.html") == 1
    assert feed_server.count("/rss2/discovered.xml") == 2


def test_a_page_without_a_feed_gives_its_article_links(topic: Any, feed_server: FeedServer) -> None:
    page = add_source(topic, feed_server.url("/page.html"), Source.Kind.PAGE)
    outcome = poll_source(page.pk)
    assert (outcome.state, outcome.created) == ("new", 6)
    assert set(Candidate.objects.values_list("url", flat=True)) == {
        feed_server.url(f"/actualites/{i}-article") for i in range(6)
    }  # not the home, the contact page, a tag page, nor another site; the anchor once
    assert Candidate.objects.get(url=feed_server.url("/actualites/2-article")).title == (
        "Actualité numéro 2 de la région"
    )
    # The site's robots.txt is read once and kept a while.
    again = poll_source(page.pk, force=True)
    assert (again.state, again.created, again.found) == ("new", 0, 6)
    assert feed_server.count("/page.html") == 2
    assert feed_server.count("/robots.txt") == 1


def test_a_page_robots_txt_forbids_is_not_fetched(topic: Any, feed_server: FeedServer) -> None:
    page = add_source(topic, feed_server.url("/private/page.html"), Source.Kind.PAGE)
    assert poll_source(page.pk).state == "failed"
    page.refresh_from_db()
    assert page.last_error == "Le fichier robots.txt du site interdit cette page à Glaneur."
    assert feed_server.count("/private/page.html") == 0
    assert feed_server.count("/robots.txt") == 1


@pytest.mark.parametrize("render", [rss2, atom, rss1])
def test_the_fast_reader_and_feedparser_read_a_feed_alike(render: Any) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    body = render("Source « k »", entries("https://example.org", "k", 20, timedelta(hours=5), now))
    assert fastfeeds.read(body, "https://example.org/feed", feeds._text, 200) is not None
    fast = parse(body, "application/xml", "https://example.org/feed")
    slow = read_with_feedparser(body, "https://example.org/feed")
    assert fast == slow
    assert len(fast.items) == 20 and fast.title == "Source « k »"


@pytest.mark.parametrize(
    "body",
    [
        # An HTML entity XML does not know: not well-formed, feedparser reads it anyway.
        b'<rss version="2.0"><channel><title>A&nbsp;B</title><item><title>Un&eacute;</title>'
        b"<link>https://example.org/1</link></item></channel></rss>",
        # A date in a format of its own.
        b'<rss version="2.0"><channel><title>A B</title><item><title>Une</title>'
        b"<link>https://example.org/1</link><pubDate>2026-12-01 08:00</pubDate></item>"
        b"</channel></rss>",
        # A DTD (entities: expat's guarded expansion).
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY e "B">]><rss version="2.0"><channel>'
        b"<title>A &e;</title><item><title>Une</title><link>https://example.org/1</link>"
        b"</item></channel></rss>",
    ],
)
def test_unusual_feeds_are_left_to_feedparser(body: bytes) -> None:
    assert fastfeeds.read(body, "https://example.org/feed", feeds._text, 200) is None
    feed = parse(body, "application/rss+xml", "https://example.org/feed")
    assert [item.url for item in feed.items] == ["https://example.org/1"]


def test_scripts_in_a_summary_are_not_text() -> None:
    body = (
        b'<rss version="2.0"><channel><title>T</title><item><title>Un</title>'
        b"<link>https://example.org/1</link><description>&lt;p&gt;Bonjour&lt;/p&gt;"
        b"&lt;script&gt;alert(1)&lt;/script&gt;&lt;style&gt;p{}&lt;/style&gt;</description>"
        b"</item></channel></rss>"
    )
    (item,) = parse(body, "application/rss+xml", "https://example.org/feed").items
    assert item.summary == "Bonjour"
