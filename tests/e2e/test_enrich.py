"""Actors and quotes in the browser: an actor's page gathers quotes from two posts, and a
curator's correction of a speaker survives a new analysis."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from glaneur.curation.services import create_post
from tests.factories import make_topic, make_user

FIRST = (
    "La mission locale de Niort ouvre un nouvel espace. « Nous voulons accueillir les jeunes "
    "plus tôt dans leur parcours », explique Anne Roux, directrice de la mission locale."
)
SECOND = (
    "« Nous avons accompagné deux cents jeunes de plus que l'an dernier », se félicite Anne "
    "Roux, directrice de la mission locale, en présentant son bilan."
)


@pytest.fixture(autouse=True)
def _analyse_at_once(settings: Any) -> None:
    settings.GLANEUR_ENRICH_POSTS = True
    settings.GLANEUR_ENRICH_IN_WORKER = False


@pytest.mark.django_db(transaction=True)
def test_an_actor_page_gathers_quotes_from_two_posts(page: Page) -> None:
    topic = make_topic(make_user("curatrice"), title="Paroles d'acteurs", slug="paroles")
    first = create_post(topic, by=topic.owner, title="Un nouvel espace", summary=FIRST)  # type: ignore[arg-type]
    create_post(topic, by=topic.owner, title="Le bilan", summary=SECOND)  # type: ignore[arg-type]

    page.goto(first.get_absolute_url())
    voices = page.locator("section.post-voices")
    expect(voices.locator("blockquote")).to_contain_text("Nous voulons accueillir")
    voices.locator("p.speaker a", has_text="Anne Roux").click()

    expect(page.locator("h1")).to_have_text("Anne Roux")
    quotes = page.locator("ul.quotes blockquote")
    expect(quotes).to_have_count(2)
    expect(quotes.nth(0)).to_contain_text("deux cents jeunes")
    expect(quotes.nth(1)).to_contain_text("Nous voulons accueillir")
    expect(page.locator("ul.roles")).to_contain_text("directrice de la mission locale")


@pytest.mark.django_db(transaction=True)
def test_a_corrected_speaker_stays_after_a_new_analysis(
    page: Page, log_in: Callable[[Any], None]
) -> None:
    topic = make_topic(make_user("curateur"), title="Paroles d'acteurs", slug="paroles")
    post = create_post(topic, by=topic.owner, title="Un nouvel espace", summary=FIRST)  # type: ignore[arg-type]
    log_in(topic.owner)

    page.goto(post.get_absolute_url())
    quote = page.locator("li.quote").first
    quote.get_by_label("Dit par").fill("Paul Girard")
    quote.get_by_role("button", name="Corriger l’auteur").click()
    expect(page.locator("li.quote p.speaker").first).to_have_text("— Paul Girard")

    call_command("analyse", str(post.pk), stdout=StringIO(), stderr=StringIO())
    page.reload()
    expect(page.locator("li.quote p.speaker").first).to_have_text("— Paul Girard")
    expect(page.locator("ul.actors")).to_contain_text("Anne Roux")
