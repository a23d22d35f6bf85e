"""A curator scoops a page through the form and reviews it while the worker reads it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from glaneur.curation.models import Post
from tests.factories import make_topic, make_user
from tests.ingest.fixture_server import FixtureServer

ARTICLE = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>Mission locale : un forum de l’alternance à Niort | Le Courrier</title>
<meta property="og:title" content="Mission locale : un forum de l’alternance à Niort">
<meta property="og:site_name" content="Le Courrier des Deux-Sèvres">
<meta property="og:description" content="Plus de quarante employeurs attendus au forum.">
<meta property="og:image" content="{base}/img/forum.jpg">
</head><body><article><h1>Mission locale : un forum de l’alternance à Niort</h1>
<p>La mission locale du Niortais organise mercredi un forum de l’alternance.</p>
<img src="{base}/img/stand.jpg" width="600" height="400" alt="Un stand">
<p>Plus de quarante employeurs seront présents pour rencontrer les jeunes.</p>
<img src="{base}/img/jeunes.jpg" width="600" height="400" alt="Des jeunes">
<p>« Nous voulons lever les freins à l’apprentissage », explique la directrice.</p>
</article></body></html>"""


@pytest.fixture
def source(settings: Any) -> Iterator[FixtureServer]:
    with FixtureServer() as server:
        base = server.url("").rstrip("/")
        server.add_route(
            "/forum.html", 200, ARTICLE.format(base=base).encode(), {"Content-Type": "text/html"}
        )
        settings.GLANEUR_FETCH_ALLOW = [server.netloc]
        yield server


@pytest.mark.django_db(transaction=True)
def test_scoop_review_pick_an_image_and_publish(
    page: Any, log_in: Any, source: FixtureServer, worker: None
) -> None:
    curator = make_user(first_name="Cap Métiers NA")
    topic = make_topic(curator, title="Initiatives locales")
    log_in(curator)
    page.goto(f"/scoop/?topic={topic.slug}")
    page.fill("input[name=url]", source.url("/forum.html"))
    page.fill("textarea[name=insight]", "Un forum utile aux conseillers.")
    page.click("button[value=review]")
    expect(page.locator("[data-state]")).to_be_visible()
    page.evaluate("window.__noReload = true")
    expect(page.locator("[data-state=ready]")).to_be_visible(timeout=20_000)
    assert page.evaluate("window.__noReload") is True  # htmx swapped it in, no reload
    expect(page.locator("input[name=title]")).to_have_value(
        "Mission locale : un forum de l’alternance à Niort"
    )
    choices = page.locator("input[name=image_choice]")
    expect(choices).to_have_count(4)  # three images found, and "no image"
    choices.nth(1).check()
    page.click("button[value=publish]")
    expect(page).to_have_url(re.compile(rf"/topic/{topic.slug}/p/\d+/"))
    post = Post.objects.get(topic=topic)
    assert post.status == Post.Status.PUBLISHED
    assert post.image_url == post.image_candidates[1]
    assert post.insight == "Un forum utile aux conseillers."
    page.goto(topic.get_absolute_url())
    expect(page.locator("article.post h2 a")).to_have_text(post.title)
