"""Switching the interface language from the header keeps the reader on the same page."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.factories import make_posts, make_topic


@pytest.mark.django_db(transaction=True)
def test_language_switch_to_english_and_back(page: Page) -> None:
    topic = make_topic()
    make_posts(topic, 3)
    path = topic.get_absolute_url()
    html = page.locator("html")

    page.goto(path)
    expect(html).to_have_attribute("lang", "fr")

    page.locator("form.lang button[value=en]").click()
    expect(html).to_have_attribute("lang", "en")
    assert urlsplit(page.url).path == path
    expect(page.locator("article.post")).to_have_count(3)
    expect(page.locator("form.lang button[value=en]")).to_be_disabled()
    expect(page.locator("form.follow button[type=submit]")).to_have_text("Follow")

    page.locator("form.lang button[value=fr]").click()
    expect(html).to_have_attribute("lang", "fr")
    assert urlsplit(page.url).path == path
