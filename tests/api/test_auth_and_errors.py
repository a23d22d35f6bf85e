"""Token and session authentication, CSRF, and the JSON error format."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from glaneur.api.services import create_token, revoke_token
from glaneur.curation.models import Topic
from tests.api.conftest import World, token_client

pytestmark = pytest.mark.django_db


def test_token_authenticates_its_user(world: World) -> None:
    body = token_client(world.users["editor"]).get("/api/me").json()
    assert body == {"username": "editor-user", "name": "Editor", "authenticatedBy": "token"}


def test_no_credentials_on_a_protected_endpoint_is_401(world: World) -> None:
    response = Client().post("/api/topics", {"title": "T"}, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header", ["Bearer glaneur_wrong", "Bearer nonsense", "Basic dXNlcjpwdw==", "Bearer "]
)
def test_a_wrong_authorization_header_is_401_even_on_open_endpoints(
    world: World, header: str
) -> None:
    response = Client(headers={"Authorization": header}).get("/api/topics")
    assert response.status_code == 401
    assert response.json()["code"] in {"invalid_token", "not_authenticated"}


def test_a_revoked_token_stops_working(world: World) -> None:
    user = world.users["reader"]
    token, secret = create_token(user, "script")
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    assert client.get("/api/me").status_code == 200
    assert revoke_token(user, token.pk)
    response = client.get("/api/me")
    assert response.status_code == 401 and response.json()["code"] == "invalid_token"


def test_an_inactive_users_token_stops_working(world: World) -> None:
    user = world.users["reader"]
    _token, secret = create_token(user, "script")
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/me").status_code == 401


def test_session_works_for_reads_and_needs_csrf_for_changes(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["owner"])
    assert client.get("/api/me").json()["authenticatedBy"] == "session"
    refused = client.post("/api/topics", {"title": "T"}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    client.get("/api/tokens/")  # any page with a form sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    created = client.post(
        "/api/topics",
        {"title": "T"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert created.status_code == 201, created.content


def test_tokens_need_no_csrf(world: World) -> None:
    _token, secret = create_token(world.users["owner"], "script")
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {secret}"})
    response = client.post("/api/topics", {"title": "T"}, content_type="application/json")
    assert response.status_code == 201


def test_invalid_input_is_422_with_field_errors(owner_client: Client, world: World) -> None:
    response = owner_client.post(
        "/api/topics", {"visibility": "secret"}, content_type="application/json"
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["detail"]
    fields = {error["field"] for error in body["errors"]}
    assert {"title", "visibility"} <= fields


def test_malformed_json_is_a_json_400(owner_client: Client) -> None:
    response = owner_client.post("/api/topics", "{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "bad_request"


@pytest.mark.parametrize(
    "payload",
    [
        {"title": "nul\x00byte"},
        {"title": "   "},
        {"title": "x" * 201},
        {"title": "ok", "slug": "no spaces please"},
    ],
)
def test_unstorable_topics_are_refused(owner_client: Client, payload: dict[str, Any]) -> None:
    before = Topic.objects.count()
    response = owner_client.post("/api/topics", payload, content_type="application/json")
    assert response.status_code == 422, response.content
    # Counted, not looked up by title: PostgreSQL refuses a NUL even in a query.
    assert Topic.objects.count() == before


def test_a_taken_topic_slug_is_409(owner_client: Client, world: World) -> None:
    response = owner_client.post(
        "/api/topics", {"title": "X", "slug": world.topic.slug}, content_type="application/json"
    )
    assert response.status_code == 409 and response.json()["code"] == "slug_taken"


@pytest.mark.parametrize(
    "query", ["?since=0001-01-01T00:00:00%2B05:00", "?until=9999-12-31", "?page=0", "?perPage=1000"]
)
def test_out_of_range_filters_are_422(owner_client: Client, world: World, query: str) -> None:
    response = owner_client.get(f"/api/topics/{world.topic.slug}/posts{query}")
    assert response.status_code == 422 and response.json()["code"] == "invalid"


def test_unknown_things_are_json_404(owner_client: Client, world: World) -> None:
    for path in (
        "/api/no-such-endpoint",
        "/api/topics/no-such-topic",
        f"/api/topics/{world.topic.slug}/posts/999999",
        f"/api/topics/{world.dest.slug}/posts/{world.post.pk}",  # a post of another topic
        f"/api/topics/{world.topic.slug}/posts/{world.post.pk}/comments/999999",
    ):
        response = (
            owner_client.get(path)
            if "comments/" not in path
            else owner_client.patch(path, {"hidden": True}, content_type="application/json")
        )
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"


def test_wrong_method_is_json_405(owner_client: Client) -> None:
    response = owner_client.delete("/api/topics")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_comment_rate_limit_is_429(world: World, settings: Any) -> None:
    settings.GLANEUR_COMMENT_RATE = 1
    client = token_client(world.users["reader"])  # has commented once already
    url = f"/api/topics/{world.topic.slug}/posts/{world.post.pk}/comments"
    response = client.post(url, {"text": "Encore"}, content_type="application/json")
    assert response.status_code == 429 and response.json()["code"] == "rate_limited"


def test_an_unexpected_error_is_a_json_500(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr("glaneur.api.topics.popular_tags", broken)
    _token, secret = create_token(world.users["owner"], "t")
    client = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {secret}"})
    response = client.get(f"/api/topics/{world.topic.slug}/tags")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert "boom" not in response.content.decode()
    assert any("API error" in record.message for record in caplog.records)


def test_error_messages_follow_the_chosen_language(world: World) -> None:
    client = Client()
    client.cookies["django_language"] = "en"
    assert client.get("/api/topics/nope").json()["detail"] == "Not found."


@pytest.mark.parametrize("body", ['"AAA"', "[null, null]", "12"])
def test_a_body_must_be_a_json_object(owner_client: Client, world: World, body: str) -> None:
    for path in ("/api/topics", f"/api/topics/{world.topic.slug}/posts"):
        response = owner_client.post(path, body, content_type="application/json")
        assert response.status_code == 422, (path, response.content)
    response = owner_client.patch(
        f"/api/topics/{world.topic.slug}", body, content_type="application/json"
    )
    assert response.status_code == 422


@pytest.mark.parametrize("value", ["0.5", "1700000000", "yesterday"])
def test_dates_must_be_iso_8601(owner_client: Client, world: World, value: str) -> None:
    response = owner_client.get(f"/api/topics/{world.topic.slug}/posts?until={value}")
    assert response.status_code == 422
