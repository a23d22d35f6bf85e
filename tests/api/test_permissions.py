"""Every endpoint for anonymous, reader, contributor, editor and owner: the same rules as pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from glaneur.audience.models import Comment, Follow
from glaneur.curation.models import Membership, Post, Topic
from glaneur.curation.services import create_post
from tests.api.conftest import ROLES, World, token_client

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    name: str
    method: str
    path: Callable[[World], str]
    expected: tuple[int, int, int, int, int]  # anonymous, reader, contributor, editor, owner
    body: Callable[[World], dict[str, Any]] | None = None


def topic_path(w: World) -> str:
    return f"/api/topics/{w.topic.slug}"


def post_path(w: World) -> str:
    return f"{topic_path(w)}/posts/{w.post.pk}"


def own_post_path(w: World) -> str:
    return f"{topic_path(w)}/posts/{w.own_post.pk}"


CASES = [
    Case("me", "get", lambda w: "/api/me", (401, 200, 200, 200, 200)),
    Case("list topics", "get", lambda w: "/api/topics", (200, 200, 200, 200, 200)),
    Case(
        "create topic", "post", lambda w: "/api/topics", (401, 201, 201, 201, 201),
        lambda w: {"title": "Paroles d'acteurs", "visibility": "private"},
    ),
    Case("get topic", "get", topic_path, (200, 200, 200, 200, 200)),
    Case(
        "update topic", "patch", topic_path, (401, 403, 403, 200, 200),
        lambda w: {"title": "Initiatives locales", "description": "Nouvelle description"},
    ),
    Case("list members", "get", lambda w: f"{topic_path(w)}/members", (401, 403, 200, 200, 200)),
    Case(
        "add member", "post", lambda w: f"{topic_path(w)}/members", (401, 403, 403, 200, 200),
        lambda w: {"username": w.newcomer.username, "role": "contributor"},
    ),
    Case("list tags", "get", lambda w: f"{topic_path(w)}/tags", (200, 200, 200, 200, 200)),
    Case("follow", "put", lambda w: f"{topic_path(w)}/follow", (401, 200, 200, 200, 200)),
    Case("unfollow", "delete", lambda w: f"{topic_path(w)}/follow", (401, 204, 204, 204, 204)),
    Case("my follows", "get", lambda w: "/api/me/follows", (401, 200, 200, 200, 200)),
    Case("list posts", "get", lambda w: f"{topic_path(w)}/posts", (200, 200, 200, 200, 200)),
    Case(
        "create post", "post", lambda w: f"{topic_path(w)}/posts", (401, 403, 201, 201, 201),
        lambda w: {"title": "Typed post", "url": "https://example.org/typed", "tags": ["a"]},
    ),
    Case(
        "scoop", "post", lambda w: f"{topic_path(w)}/scoop", (401, 403, 202, 202, 202),
        lambda w: {"url": "https://example.org/new-article", "insight": "À lire"},
    ),
    Case("get post", "get", post_path, (200, 200, 200, 200, 200)),
    # Someone else's draft exists only for who may edit it (curation/access.py).
    Case("get draft", "get", lambda w: f"{topic_path(w)}/posts/{w.draft.pk}",
         (404, 404, 404, 200, 200)),
    Case(
        "update someone's post", "patch", post_path, (401, 403, 403, 200, 200),
        lambda w: {"insight": "Modifié"},
    ),
    Case(
        "update own post", "patch", own_post_path, (401, 403, 200, 200, 200),
        lambda w: {"insight": "Modifié"},
    ),
    Case("delete someone's post", "delete", post_path, (401, 403, 403, 204, 204)),
    Case("delete own post", "delete", own_post_path, (401, 403, 204, 204, 204)),
    Case("publish", "post", lambda w: f"{topic_path(w)}/posts/{w.draft.pk}/publish",
         (401, 404, 404, 200, 200), lambda w: {}),
    Case("unpublish own", "post", lambda w: f"{own_post_path(w)}/unpublish",
         (401, 403, 200, 200, 200)),
    Case(
        "rescoop", "post", lambda w: f"{post_path(w)}/rescoop", (401, 403, 201, 201, 201),
        lambda w: {"into": w.dest.slug, "insight": "Vu ailleurs"},
    ),
    Case("refetch", "post", lambda w: f"{post_path(w)}/refetch", (401, 403, 403, 202, 202)),
    Case("list comments", "get", lambda w: f"{post_path(w)}/comments", (200, 200, 200, 200, 200)),
    Case(
        "add comment", "post", lambda w: f"{post_path(w)}/comments", (401, 201, 201, 201, 201),
        lambda w: {"text": "Très utile"},
    ),
    Case(
        "hide comment", "patch", lambda w: f"{post_path(w)}/comments/{w.comment.pk}",
        (401, 403, 403, 200, 200), lambda w: {"hidden": True},
    ),
]  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_permission_matrix(world: World, case: Case, role: str) -> None:
    client = token_client(world.users[role])
    kwargs: dict[str, Any] = {}
    if case.body is not None:
        kwargs = {"data": case.body(world), "content_type": "application/json"}
    response = getattr(client, case.method)(case.path(world), **kwargs)
    expected = case.expected[ROLES.index(role)]
    assert response.status_code == expected, response.content
    if expected >= 400:
        body = response.json()
        assert set(body) >= {"detail", "code"} and body["detail"]
        assert response["Content-Type"] == "application/json; charset=utf-8"


def test_refused_changes_change_nothing(world: World) -> None:
    reader = token_client(world.users["reader"])
    reader.patch(post_path(world), {"title": "Vandalisé"}, content_type="application/json")
    reader.delete(post_path(world))
    reader.patch(topic_path(world), {"title": "Vandalisé"}, content_type="application/json")
    world.post.refresh_from_db()
    world.topic.refresh_from_db()
    assert world.post.title == "Un forum emploi à Bordeaux"
    assert world.topic.title == "Initiatives locales et paroles d'acteurs"


def test_successful_changes_are_saved(world: World) -> None:
    editor = token_client(world.users["editor"])
    editor.patch(topic_path(world), {"description": "D"}, content_type="application/json")
    editor.put(f"{topic_path(world)}/follow")
    editor.patch(
        f"{post_path(world)}/comments/{world.comment.pk}",
        {"hidden": True},
        content_type="application/json",
    )
    editor.post(
        f"{topic_path(world)}/members",
        {"username": world.newcomer.username, "role": "editor"},
        content_type="application/json",
    )
    editor.delete(own_post_path(world))
    assert Topic.objects.get(pk=world.topic.pk).description == "D"
    assert Follow.objects.filter(user=world.users["editor"], topic=world.topic).exists()
    assert Comment.objects.get(pk=world.comment.pk).hidden
    assert Membership.objects.get(topic=world.topic, user=world.newcomer).role == "editor"
    assert not Post.objects.filter(pk=world.own_post.pk).exists()


PRIVATE_READS = [
    "/api/topics/{slug}",
    "/api/topics/{slug}/posts",
    "/api/topics/{slug}/tags",
    "/api/topics/{slug}/posts/{post}",
    "/api/topics/{slug}/posts/{post}/comments",
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("template", PRIVATE_READS)
def test_private_topic_is_not_found_for_outsiders(world: World, role: str, template: str) -> None:
    Topic.objects.filter(pk=world.topic.pk).update(visibility=Topic.Visibility.PRIVATE)
    path = template.format(slug=world.topic.slug, post=world.post.pk)
    response = token_client(world.users[role]).get(path)
    outsider = role in ("anonymous", "reader")
    assert response.status_code == (404 if outsider else 200)
    if outsider:
        assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("method", ["put", "post"])
def test_private_topic_writes_are_not_found_for_readers(world: World, method: str) -> None:
    Topic.objects.filter(pk=world.topic.pk).update(visibility=Topic.Visibility.PRIVATE)
    reader = token_client(world.users["reader"])
    if method == "put":
        response = reader.put(f"{topic_path(world)}/follow")
    else:
        response = reader.post(
            f"{post_path(world)}/comments", {"text": "?"}, content_type="application/json"
        )
    assert response.status_code == 404


def test_private_topics_are_listed_for_their_curators_only(world: World) -> None:
    Topic.objects.filter(pk=world.topic.pk).update(visibility=Topic.Visibility.PRIVATE)
    for role, listed in (("reader", False), ("contributor", True), ("anonymous", False)):
        slugs = {
            t["slug"] for t in token_client(world.users[role]).get("/api/topics").json()["items"]
        }
        assert (world.topic.slug in slugs) is listed, role


def test_drafts_are_listed_only_for_who_may_edit_them(world: World) -> None:
    own_draft = create_post(
        world.topic, by=world.users["contributor"], title="Mon brouillon", status="draft"
    )
    expected = {
        "anonymous": [],
        "reader": [],
        "contributor": [own_draft.pk],
        "editor": [own_draft.pk, world.draft.pk],
        "owner": [own_draft.pk, world.draft.pk],
    }
    for role, ids in expected.items():
        body = token_client(world.users[role]).get(f"{topic_path(world)}/posts?status=draft").json()
        assert sorted(p["id"] for p in body["items"]) == sorted(ids), role


def test_hidden_comments_are_listed_for_owner_and_editors_only(world: World) -> None:
    Comment.objects.filter(pk=world.comment.pk).update(hidden=True)
    for role, count in (("reader", 0), ("contributor", 0), ("editor", 1), ("owner", 1)):
        body = token_client(world.users[role]).get(f"{post_path(world)}/comments").json()
        assert body["count"] == count, role
