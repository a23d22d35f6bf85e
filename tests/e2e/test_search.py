"""Searching from the header box and from a topic's box, in the browser."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from glaneur.curation.services import create_post
from tests.factories import make_topic


@pytest.mark.django_db(transaction=True)
def test_header_search_shows_highlighted_results(page: Page) -> None:
    topic = make_topic(title="Emploi en Gironde")
    # Outside any test transaction: the post is indexed when its save commits.
    create_post(
        topic,
        by=topic.owner,
        title="Les emplois de la filière bois",
        summary="Des formations pour les jeunes <script>alert(1)</script>.",
        check=False,
    )
    create_post(topic, by=topic.owner, title="Un salon du tourisme", check=False)

    page.goto("/")
    box = page.locator("#site-search-q")
    box.fill("emploi formations")
    box.press("Enter")

    hits = page.locator(".search-hit")
    expect(hits).to_have_count(1)
    expect(hits.first.locator("h2 mark")).to_have_text("emplois")
    expect(hits.first.locator(".snippet mark")).to_have_text("formations")
    expect(hits.first.locator(".snippet")).to_contain_text("<script>alert(1)</script>")
    hits.first.locator("h2 a").click()
    expect(page.locator("h1, h2").first).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_topic_box_searches_within_the_topic(page: Page, settings: Any) -> None:
    topic = make_topic(title="Formation")
    other = make_topic(title="Ailleurs")
    create_post(topic, by=topic.owner, title="Recrutement d'apprentis", check=False)
    create_post(other, by=other.owner, title="Recrutement ailleurs", check=False)

    page.goto(topic.get_absolute_url())
    box = page.locator("#topic-search-q")
    box.fill("recrutent")
    box.press("Enter")

    expect(page.locator(".search-hit")).to_have_count(1)
    expect(page.locator(".search-hit h2")).to_have_text("Recrutement d'apprentis")
    expect(page.locator(".search-hit h2 mark")).to_have_text("Recrutement")
