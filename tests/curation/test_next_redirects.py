"""A form's ``next`` is followed only when it stays on this site."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from glaneur.curation.services import create_post
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

OFF_SITE = [
    "https://evil.example/",
    "//evil.example/",
    "http://evil.example/topic/x/",
    "/\\evil.example/",
    "\\\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_pin_form_does_not_send_anyone_off_site(
    client: Client, topic: Any, target: str
) -> None:
    post = create_post(topic, by=topic.owner, title="À épingler")
    client.force_login(topic.owner)
    response = client.post(f"{post.actions_path}pin/", {"pinned": "1", "next": target})
    assert response.status_code == 302
    assert response["Location"] == topic.get_absolute_url()


def test_the_pin_form_goes_back_to_a_page_of_this_site(client: Client, topic: Any) -> None:
    post = create_post(topic, by=topic.owner, title="À épingler")
    client.force_login(topic.owner)
    back = f"{topic.get_absolute_url()}?tag=emploi&page=2"
    response = client.post(f"{post.actions_path}pin/", {"pinned": "1", "next": back})
    assert response["Location"] == back


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_follow_form_does_not_send_anyone_off_site(
    client: Client, topic: Any, target: str
) -> None:
    client.force_login(topic.owner)
    response = client.post(f"{topic.get_absolute_url()}follow/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == topic.get_absolute_url()


@pytest.mark.parametrize("target", OFF_SITE)
def test_logging_in_does_not_send_anyone_off_site(
    client: Client, curator: Any, target: str
) -> None:
    response = client.post(
        "/accounts/login/", {"login": curator.username, "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert not response["Location"].startswith(("http", "//", "/\\", "\\", "javascript"))


@pytest.mark.parametrize("target", OFF_SITE)
def test_switching_language_does_not_send_anyone_off_site(client: Client, target: str) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"
