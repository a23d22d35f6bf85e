"""The suggestions engine in a browser: a curator adds a feed, polls it, scoops the first
suggestion with an insight and finds it on the topic page; a visitor suggests a page, the
curator refuses it with a reason, and the visitor reads that reason."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from glaneur.curation.models import Post
from glaneur.sources.models import Source, Suggestion
from tests.factories import make_topic, make_user
from tests.ingest.fixture_server import FixtureServer

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Le Courrier de l'emploi</title><link>{base}/</link>
<description>Emploi et formation en Nouvelle-Aquitaine</description>
<item><title>Mission locale : un forum de l'alternance à Niort</title>
<link>{base}/forum.html?utm_source=rss</link>
<description>Plus de quarante employeurs attendus au forum de l'alternance.</description>
<pubDate>Thu, 03 Dec 2026 08:00:00 +0000</pubDate></item>
</channel></rss>"""

ARTICLE = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>Mission locale : un forum de l'alternance à Niort</title>
<meta property="og:description" content="Plus de quarante employeurs attendus au forum.">
</head><body><article><h1>Mission locale : un forum de l'alternance à Niort</h1>
<p>La mission locale du Niortais organise mercredi un forum de l'alternance.</p>
<p>Plus de quarante employeurs seront présents pour rencontrer les jeunes.</p>
</article></body></html>"""


@pytest.fixture
def site(settings: Any) -> Iterator[FixtureServer]:
    with FixtureServer() as server:
        base = server.url("").rstrip("/")
        rss = {"Content-Type": "application/rss+xml"}
        server.add_route("/feed.xml", 200, FEED.format(base=base).encode(), rss)
        server.add_route("/forum.html", 200, ARTICLE.encode(), {"Content-Type": "text/html"})
        settings.GLANEUR_FETCH_ALLOW = [server.netloc]
        yield server


@pytest.mark.django_db(transaction=True)
def test_a_curator_adds_a_feed_polls_it_and_scoops_the_first_suggestion(
    page: Any, log_in: Any, site: FixtureServer, worker: None
) -> None:
    curator = make_user(first_name="Cap Métiers NA")
    topic = make_topic(curator, title="Initiatives locales")
    log_in(curator)
    page.goto(topic.get_absolute_url())
    page.get_by_role("link", name="Suggestions").click()
    page.get_by_role("link", name="Sources et réglages").click()
    page.get_by_label("Flux, page web ou mot-clé").fill(site.url("/feed.xml"))
    page.get_by_role("button", name="Ajouter", exact=True).click()
    expect(page.get_by_text(site.url("/feed.xml")).first).to_be_visible()
    page.get_by_role("button", name="Tout relever maintenant").click()
    source = Source.objects.get(topic=topic)
    for _ in range(100):  # the worker polls it
        source.refresh_from_db()
        if source.last_polled_at is not None:
            break
        page.wait_for_timeout(100)
    assert source.items_found == 1 and not source.last_error
    page.goto(f"/topic/{topic.slug}/suggestions/")
    card = page.locator("article.candidate").first
    expect(card).to_contain_text("un forum de l'alternance à Niort")
    card.get_by_label("Votre éclairage").fill("Un forum utile aux conseillers.")
    card.get_by_role("button", name="Publier maintenant").click()
    expect(page.get_by_role("status").filter(has_text="Publié")).to_be_visible()
    page.goto(topic.get_absolute_url())
    expect(page.locator("article.post").first).to_contain_text("Un forum utile aux conseillers.")
    post = Post.objects.get(topic=topic)
    assert post.url == site.url("/forum.html?utm_source=rss") and post.status == "published"


@pytest.mark.django_db(transaction=True)
def test_a_visitor_suggests_the_curator_refuses_with_a_reason(
    page: Any, browser: Any, live_server: Any, log_in: Any
) -> None:
    curator = make_user(first_name="Cap Métiers NA")
    topic = make_topic(curator, title="Initiatives locales")

    visitor = browser.new_context(locale="fr-FR", base_url=live_server.url).new_page()
    visitor.goto(topic.get_absolute_url())
    visitor.get_by_role("link", name="Suggérer une page").click()
    visitor.get_by_label("Adresse web").fill("https://www.example.org/tiers-lieu-melle")
    visitor.get_by_label("Pourquoi cette page ? (facultatif)").fill("Un tiers-lieu à Melle")
    visitor.get_by_label("Votre nom (facultatif)").fill("Camille")
    visitor.get_by_role("button", name="Suggérer").click()
    expect(visitor.get_by_role("heading", name="Merci")).to_be_visible()
    status_link = visitor.locator("a[href*='/suggestions/']")
    status_url = status_link.get_attribute("href")
    assert status_url
    visitor.goto(status_url)
    expect(visitor.get_by_text("En attente")).to_be_visible()

    log_in(curator)
    page.goto(topic.get_absolute_url())
    page.get_by_role("link", name="Suggestions").click()
    card = page.locator("article.candidate").first
    expect(card).to_contain_text("Suggéré par Camille (visiteur)")
    expect(card).to_contain_text("Un tiers-lieu à Melle")
    page.wait_for_load_state("load")  # the keys' script (deferred) is in place
    page.evaluate("window.__noReload = true")
    # The first suggestion takes the focus (the only one: pressing again keeps it there, in
    # case the key came before the script listened).
    for _ in range(50):
        page.keyboard.press("j")
        if card.evaluate("element => element === document.activeElement"):
            break
        page.wait_for_timeout(100)
    expect(card).to_be_focused()
    card.get_by_label("Motif (montré à qui l’a suggéré)").fill("Hors de notre territoire.")
    card.get_by_role("button", name="Refuser").click()
    expect(page.get_by_role("status").filter(has_text="Écarté")).to_be_visible()
    assert page.evaluate("window.__noReload") is True  # htmx swapped the card, no reload

    assert Suggestion.objects.get().status == Suggestion.Status.REFUSED
    visitor.reload()
    expect(visitor.get_by_text("Hors de notre territoire.")).to_be_visible()
    expect(visitor.get_by_text(re.compile("^Refusé"))).to_be_visible()
    visitor.context.close()
