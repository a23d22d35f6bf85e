"""The seed topic's map in the browser: Nouvelle-Aquitaine shaded, a click lists a place's
posts, ``?lieu=`` filters the stream."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

import glaneur
from glaneur.transfer.services import import_scoopit

SEED = Path(glaneur.__file__).parent / "data" / "scoopit-topic-initiatives-locales.txt"
GIRONDE_POST = "Gironde, les déchets comme gisement d’emplois"
RALLYE_POST = "Deux-Sèvres, un circuit pour découvrir les métiers de service à la personne"


@pytest.mark.django_db(transaction=True)
def test_the_seed_map_links_departments_to_their_posts(page: Page, settings: Any) -> None:
    settings.GLANEUR_LOCATE_IN_WORKER = False  # the places step right after the import
    topic = import_scoopit(SEED.read_text(encoding="utf-8"), source=SEED.name).topic

    page.goto(topic.get_absolute_url())
    page.get_by_role("link", name="Carte").click()
    expect(page.locator("h1")).to_contain_text("Carte :")
    for code in ("33", "79", "86", "47"):  # Nouvelle-Aquitaine departments the posts name
        expect(page.locator(f'path[data-code="{code}"]')).to_have_class(re.compile(r"shade-[1-5]"))
    expect(page.locator('path[data-code="17"]')).to_have_class(re.compile(r"shade-0"))
    expect(page.locator('path[data-code="67"]')).to_have_count(0)  # framed on the region
    assert page.locator("svg circle.point").count() >= 10  # a dot per commune

    page.locator('a:has(path[data-code="33"])').click()
    expect(page).to_have_url(re.compile(r"\?lieu=33$"))
    expect(page.locator("article.post h2.post-title")).to_have_text([GIRONDE_POST])

    page.goto(f"{topic.get_absolute_url()}?lieu=79")
    expect(page.locator("article.post h2.post-title")).to_have_text([RALLYE_POST])
    expect(page.locator(".popular-tags .filter")).to_contain_text("Deux-Sèvres")
