"""The OpenAPI schema and the documentation page built from it."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_openapi_schema_loads(client: Client) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["components"]["securitySchemes"]) == {"TokenAuth", "SessionAuth"}
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    operations = {op["operationId"] for item in schema["paths"].values() for op in item.values()}
    assert {
        "list_topics", "get_topic", "create_topic", "update_topic", "list_members", "add_member",
        "list_tags", "follow", "unfollow", "my_follows", "list_posts", "get_post", "create_post",
        "scoop", "update_post", "delete_post", "rescoop", "refetch", "publish", "unpublish",
        "list_comments", "add_comment", "update_comment", "me",
    } <= operations  # fmt: skip
    post = schema["components"]["schemas"]["PostOut"]["properties"]
    assert {"curationDate", "publicationDate", "insight", "htmlInsight", "imageUrl"} <= set(post)


def test_every_operation_documents_its_errors(client: Client) -> None:
    schema = client.get("/api/openapi.json").json()
    for path, item in schema["paths"].items():
        for method, op in item.items():
            codes = set(op["responses"])
            assert "401" in codes, (method, path)
            if "{slug}" in path:
                assert "404" in codes, (method, path)


def test_docs_page_lists_operations_without_inline_scripts(client: Client) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/topics/{slug}/posts" in html and "list_posts" in html
    assert 'href="/api/openapi.json"' in html
    assert "<script>" not in html and " style=" not in html and "cdn" not in html.lower()
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_api_root_leads_to_the_docs(client: Client) -> None:
    response = client.get("/api/")
    assert response.status_code == 302 and response["Location"] == "/api/docs"
