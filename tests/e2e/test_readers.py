"""A reader signs up, follows the seed topic and subscribes to its newsletter, confirming
through the links that a real SMTP server on loopback received."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Page, expect

from glaneur.audience.models import Follow, Subscriber
from glaneur.transfer.services import import_scoopit
from tests.audience import mailserver
from tests.audience.mailserver import MailServer
from tests.factories import PASSWORD

smtp = mailserver.smtp  # the loopback SMTP server fixture, shared with tests/audience

SEED = Path("src/glaneur/data/scoopit-topic-initiatives-locales.txt")


def link_path(server: MailServer, address: str, pattern: str) -> str:
    for received in reversed(server.to(address)):
        if links := received.links(pattern):
            return urlsplit(links[0]).path
    raise AssertionError(f"no mail to {address} with a link to {pattern}")


@pytest.mark.django_db(transaction=True)
def test_a_reader_signs_up_follows_the_seed_topic_and_confirms_the_newsletter(
    page: Page, live_server: Any, smtp: MailServer, settings: Any
) -> None:
    settings.GLANEUR_BASE_URL = live_server.url
    topic = import_scoopit(SEED.read_text(encoding="utf-8")).topic
    email = "claire@example.org"

    page.goto("/accounts/signup/")
    page.fill("input[name=email]", email)
    page.fill("input[name=username]", "claire")
    page.fill("input[name=first_name]", "Claire Dupuy")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".site-header nav")).to_contain_text("Claire Dupuy")

    page.goto(link_path(smtp, email, "/accounts/confirm-email/"))
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/confirm-email/"))
    assert EmailAddress.objects.get(email=email).verified

    page.goto(topic.get_absolute_url())
    follow = page.locator("form.follow button[type=submit]")
    expect(follow).to_have_attribute("aria-pressed", "false")
    follow.click()
    expect(follow).to_have_attribute("aria-pressed", "true")

    page.fill("#newsletter-email", email)
    page.locator("form.newsletter-subscribe button[type=submit]").click()
    expect(page.locator(".messages .success")).to_be_visible()
    subscriber = Subscriber.objects.get(topic=topic, email=email)
    assert subscriber.status == Subscriber.Status.PENDING

    page.goto(link_path(smtp, email, "/newsletter/confirm/"))
    page.locator("main form button[type=submit]").click()

    expect(page.locator("main .done")).to_be_visible()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert Follow.objects.filter(user__username="claire", topic=topic).exists()
