"""The suggestions engine in a browser: a curator adds a feed, polls it, scoops the first
suggestion with an insight and finds it on the topic page; a visitor suggests a page, the
curator refuses it with a reason, and the visitor reads that reason."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from glaneur.sources.models import Suggestion
from tests.factories import make_topic, make_user


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
    page.evaluate("window.__noReload = true")
    page.keyboard.press("j")  # the first suggestion takes the focus
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
