"""The personal tokens page: create (shown once, stored hashed) and revoke."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from glaneur.api.models import ApiToken
from glaneur.api.services import hash_token
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def created_secret(client: Client, name: str = "import script") -> str:
    response = client.post("/api/tokens/", {"name": name}, follow=True)
    assert response.status_code == 200
    match = re.search(r'<code id="new-token">([^<]+)</code>', response.content.decode())
    assert match, "the new token is shown"
    return match.group(1)


def test_the_page_needs_a_login(client: Client) -> None:
    response = client.get("/api/tokens/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_created_token_is_shown_once_and_stored_hashed(client: Client) -> None:
    user: Any = make_user()
    client.force_login(user)
    secret = created_secret(client)
    token = ApiToken.objects.get(user=user)
    assert token.name == "import script"
    assert token.key_hash == hash_token(secret) and secret not in token.key_hash
    assert secret.startswith(token.prefix)
    page = client.get("/api/tokens/").content.decode()
    assert secret not in page and "import script" in page and token.prefix in page
    response = Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/me")
    assert response.json()["username"] == user.get_username()


def test_a_revoked_token_is_gone(client: Client) -> None:
    user: Any = make_user()
    client.force_login(user)
    secret = created_secret(client)
    token = ApiToken.objects.get(user=user)
    response = client.post(f"/api/tokens/{token.pk}/revoke/", follow=True)
    assert response.status_code == 200
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/me").status_code == 401


def test_nobody_revokes_someone_elses_token(client: Client) -> None:
    owner: Any = make_user()
    other: Any = make_user()
    client.force_login(owner)
    created_secret(client)
    token = ApiToken.objects.get(user=owner)
    client.force_login(other)
    client.post(f"/api/tokens/{token.pk}/revoke/")
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_revoking_needs_post(client: Client) -> None:
    user: Any = make_user()
    client.force_login(user)
    created_secret(client)
    token = ApiToken.objects.get(user=user)
    assert client.get(f"/api/tokens/{token.pk}/revoke/").status_code == 405
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_a_token_needs_a_name(client: Client) -> None:
    newcomer: Any = make_user()
    client.force_login(newcomer)
    response = client.post("/api/tokens/", {"name": "   "})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()
