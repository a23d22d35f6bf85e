"""Reading a topic page in the browser: the seed, infinite scroll, the tag filter."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

import glaneur
from glaneur.curation.models import Post
from glaneur.transfer.services import import_scoopit
from tests.factories import make_posts, make_topic

SEED = Path(glaneur.__file__).parent / "data" / "scoopit-topic-initiatives-locales.txt"
SEED_TITLES_NEWEST_FIRST = [
    "L’APEE de Poitiers, agir pour la pérennité des entreprises",
    "Gironde, les déchets comme gisement d’emplois",
    "Agen, la clé d’un accompagnement réussi",
    "Deux-Sèvres, un circuit pour découvrir les métiers de service à la personne",
]


@pytest.mark.django_db(transaction=True)
def test_seed_topic_page_shows_its_four_posts(page: Page) -> None:
    topic = import_scoopit(SEED.read_text(encoding="utf-8"), source=SEED.name).topic

    page.goto(topic.get_absolute_url())

    expect(page.locator("h1")).to_have_text("Initiatives locales et paroles d'acteurs")
    expect(page.locator("article.post")).to_have_count(4)
    expect(page.locator("article.post h2.post-title")).to_have_text(SEED_TITLES_NEWEST_FIRST)
    expect(page.locator(".curated-by")).to_contain_text("Cap Métiers NA")
    for card in page.locator("article.post .scooped").all():
        expect(card).to_contain_text("Cap Métiers NA")


@pytest.mark.django_db(transaction=True)
def test_infinite_scroll_loads_the_second_page_in_place(page: Page, settings: Any) -> None:
    settings.GLANEUR_POSTS_PER_PAGE = 30
    topic = make_topic()
    posts = make_posts(topic, 50)

    page.goto(topic.get_absolute_url())
    cards = page.locator("article.post")
    expect(cards).to_have_count(30)
    expect(page.locator(".load-more")).to_have_attribute("data-hx-get", re.compile(r"page=2"))
    page.evaluate("() => { window.__sameDocument = true; }")

    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")

    expect(cards).to_have_count(50)
    expect(page.locator(".load-more")).to_have_count(0)
    assert page.evaluate("() => window.__sameDocument === true"), "the page was reloaded"
    assert urlsplit(page.url).path == topic.get_absolute_url()
    # Newest first, every post once: the oldest post ends the second page.
    ids = page.locator("article.post").evaluate_all("cards => cards.map(c => c.id)")
    assert ids == [f"post-{post.pk}" for post in reversed(posts)]


@pytest.mark.django_db(transaction=True)
def test_a_popular_tag_chip_filters_the_posts(page: Page) -> None:
    topic = make_topic()
    make_posts(topic, 9, tags_per_post=1, tag_pool=3)

    page.goto(topic.get_absolute_url())
    expect(page.locator("article.post")).to_have_count(9)
    chip = page.locator(".tag-cloud a").first
    chip.click()

    expect(page).to_have_url(re.compile(r"\?tag="))
    slug = parse_qs(urlsplit(page.url).query)["tag"][0]
    tagged = Post.objects.filter(topic=topic, tags__slug=slug)
    assert 0 < tagged.count() < 9
    cards = page.locator("article.post")
    expect(cards).to_have_count(tagged.count())
    expect(page.locator(".tag-cloud a.active")).to_have_count(1)
    shown = set(cards.evaluate_all("cards => cards.map(c => c.id)"))
    assert shown == {f"post-{post.pk}" for post in tagged}
    for card in cards.all():
        expect(card.locator(f"ul.tags a[href$='?tag={slug}']")).to_have_count(1)
