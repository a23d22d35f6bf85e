"""A reader follows a topic and comments a post, both in place through htmx."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from glaneur.audience.models import Comment, Follow
from tests.factories import make_posts, make_topic, make_user


@pytest.mark.django_db(transaction=True)
def test_anonymous_follow_leads_to_log_in(page: Page) -> None:
    topic = make_topic()

    page.goto(topic.get_absolute_url())
    page.locator("form.follow button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    expect(page.locator("input[name=login]")).to_be_visible()
    assert not Follow.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_logged_in_reader_follows_a_topic_in_place(
    page: Page, log_in: Callable[[Any], None]
) -> None:
    topic = make_topic()
    reader = make_user()
    log_in(reader)

    page.goto(topic.get_absolute_url())
    button = page.locator("form.follow button[type=submit]")
    expect(button).to_have_attribute("aria-pressed", "false")
    page.evaluate("() => { window.__sameDocument = true; }")
    button.click()

    expect(button).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("() => window.__sameDocument === true"), "the page was reloaded"
    assert Follow.objects.filter(user_id=reader.pk, topic=topic).exists()


@pytest.mark.django_db(transaction=True)
def test_logged_in_reader_comments_a_post_in_place(
    page: Page, log_in: Callable[[Any], None]
) -> None:
    topic = make_topic()
    post = make_posts(topic, 1)[0]
    reader = make_user()
    log_in(reader)
    text = "Très belle initiative, merci <b>pour</b> le partage !"

    page.goto(post.get_absolute_url())
    expect(page.locator("#comments article.comment")).to_have_count(0)
    page.evaluate("() => { window.__sameDocument = true; }")
    page.locator("#comment-text").fill(text)
    page.locator("#comments form.comment-form button[type=submit]").click()

    comment = page.locator("#comments article.comment")
    expect(comment).to_have_count(1)
    expect(comment.locator(".comment-text")).to_have_text(text)  # escaped, shown as typed
    expect(page.locator("#comment-text")).to_have_value("")
    assert page.evaluate("() => window.__sameDocument === true"), "the page was reloaded"
    assert Comment.objects.filter(post=post, author_id=reader.pk, text=text).exists()
