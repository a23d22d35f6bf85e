"""Posts through the API: filters, pages, scoop, typed creation, edits and actions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from glaneur.curation.models import Post
from tests.api.conftest import World, token_client
from tests.factories import make_posts

pytestmark = pytest.mark.django_db


def posts_url(world: World, query: str = "") -> str:
    return f"/api/topics/{world.topic.slug}/posts{query}"


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def test_post_fields_follow_scoopit_names(world: World, owner_client: Client) -> None:
    body = owner_client.get(f"{posts_url(world)}/{world.post.pk}").json()
    assert body["title"] == "Un forum emploi à Bordeaux"
    assert body["insight"] == "Une **belle** initiative."
    assert body["htmlInsight"] == "<p>Une <strong>belle</strong> initiative.</p>\n"
    assert body["curationDate"].startswith(str(world.post.curated_at.year))
    assert body["publicationDate"] is None
    assert body["imageUrl"] == ""
    assert [tag["slug"] for tag in body["tags"]] == ["bordeaux", "emploi"]
    assert body["curatedBy"] == {"username": "curator", "name": "Cap Métiers NA"}
    assert body["pageUrl"].endswith(world.post.get_absolute_url())
    assert body["topic"] == world.topic.slug


def test_tags_combine_with_and(world: World, owner_client: Client) -> None:
    assert set(ids(owner_client.get(posts_url(world, "?tag=emploi")))) == {
        world.post.pk,
        world.own_post.pk,
    }
    assert ids(owner_client.get(posts_url(world, "?tag=emploi&tag=bordeaux"))) == [world.post.pk]
    assert ids(owner_client.get(posts_url(world, "?tag=emploi&tag=absent"))) == []


def test_filters_by_state_status_and_curation_dates(world: World, owner_client: Client) -> None:
    Post.objects.filter(pk=world.own_post.pk).update(
        state=Post.State.FAILED, curated_at=timezone.now() - timedelta(days=10)
    )
    assert ids(owner_client.get(posts_url(world, "?state=failed"))) == [world.own_post.pk]
    assert ids(owner_client.get(posts_url(world, "?status=draft"))) == [world.draft.pk]
    since = (timezone.now() - timedelta(days=5)).date().isoformat()
    recent = ids(owner_client.get(posts_url(world, f"?since={since}")))
    assert world.own_post.pk not in recent and world.post.pk in recent
    assert ids(owner_client.get(posts_url(world, f"?until={since}"))) == [world.own_post.pk]


def test_pages_carry_count_and_next(world: World, reader_client: Client) -> None:
    make_posts(world.topic, 5, tags_per_post=0)
    first = reader_client.get(posts_url(world, "?perPage=3")).json()
    assert (first["count"], first["page"], first["perPage"], first["next"]) == (7, 1, 3, 2)
    last = reader_client.get(posts_url(world, "?perPage=3&page=3")).json()
    assert (len(last["items"]), last["next"]) == (1, None)
    seen = [
        post["id"]
        for n in (1, 2, 3)
        for post in reader_client.get(posts_url(world, f"?perPage=3&page={n}")).json()["items"]
    ]
    assert len(set(seen)) == 7


def test_pinned_posts_come_first(world: World, owner_client: Client) -> None:
    owner_client.patch(
        f"{posts_url(world)}/{world.own_post.pk}", {"pinned": True}, content_type="application/json"
    )
    assert ids(owner_client.get(posts_url(world)))[0] == world.own_post.pk


def test_scoop_saves_at_once_and_queues_the_fetch(
    world: World, owner_client: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.GLANEUR_FETCH_ALLOW = []
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            f"/api/topics/{world.topic.slug}/scoop",
            {"url": "https://example.org/une-page", "insight": "Mon avis", "tags": ["emploi"]},
            content_type="application/json",
        )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["state"] == "queued"
    assert body["status"] == "published"
    assert body["insight"] == "Mon avis" and [t["slug"] for t in body["tags"]] == ["emploi"]
    assert Post.objects.get(pk=body["id"]).url == "https://example.org/une-page"
    assert DBTaskResult.objects.filter(args_kwargs__args=[body["id"]]).exists()


def test_scoop_of_a_curated_url_is_a_conflict_naming_the_post(
    world: World, owner_client: Client
) -> None:
    response = owner_client.post(
        f"/api/topics/{world.topic.slug}/scoop",
        {"url": "https://example.org/forum-emploi"},
        content_type="application/json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "duplicate"
    assert body["existing"]["id"] == world.post.pk
    assert body["existing"]["url"] == "https://example.org/forum-emploi"
    assert body["existing"]["pageUrl"].endswith(world.post.get_absolute_url())


@pytest.mark.parametrize(
    "url", ["ftp://example.org/file", "not a url", "https://user:pw@example.org/", "javascript:x"]
)
def test_scoop_refuses_unusable_urls(world: World, owner_client: Client, url: str) -> None:
    response = owner_client.post(
        f"/api/topics/{world.topic.slug}/scoop", {"url": url}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_url"
    assert not Post.objects.filter(url=url).exists()


def test_typed_post_is_created_without_fetching(world: World, owner_client: Client) -> None:
    response = owner_client.post(
        posts_url(world),
        {
            "title": "Une initiative",
            "url": "https://example.org/typed",
            "summary": "Résumé",
            "insight": "*Avis*",
            "imageUrl": "https://example.org/image.jpg",
            "siteName": "Example",
            "author": "A. Uteur",
            "publicationDate": "2024-03-01T10:00:00+01:00",
            "tags": ["formation", "Emploi"],
            "status": "draft",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["state"], body["status"]) == ("ready", "draft")
    assert body["publicationDate"] == "2024-03-01T09:00:00Z"
    post = Post.objects.get(pk=body["id"])
    assert post.image_url == "https://example.org/image.jpg" and post.site_name == "Example"
    assert sorted(post.tags.values_list("slug", flat=True)) == ["emploi", "formation"]


def test_typed_post_with_a_curated_url_is_a_conflict(world: World, owner_client: Client) -> None:
    response = owner_client.post(
        posts_url(world),
        {"title": "Encore", "url": "https://EXAMPLE.org/forum-emploi?utm_source=x"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["existing"]["id"] == world.post.pk


def test_patch_changes_only_what_it_names(world: World, owner_client: Client) -> None:
    response = owner_client.patch(
        f"{posts_url(world)}/{world.post.pk}",
        {"title": "Nouveau titre", "tags": ["formation"], "publicationDate": "2024-01-02"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    post = Post.objects.get(pk=world.post.pk)
    assert post.title == "Nouveau titre" and post.slug == "nouveau-titre"
    assert post.insight == "Une **belle** initiative."
    assert list(post.tags.values_list("slug", flat=True)) == ["formation"]
    assert post.source_published_at is not None
    owner_client.patch(
        f"{posts_url(world)}/{world.post.pk}",
        {"publicationDate": None, "title": None, "summary": ""},
        content_type="application/json",
    )
    post.refresh_from_db()
    assert post.source_published_at is None  # null clears the publication date
    assert post.title == "Nouveau titre"  # and keeps anything else


def test_publish_and_unpublish(world: World, owner_client: Client) -> None:
    url = f"{posts_url(world)}/{world.draft.pk}"
    later = (timezone.now() + timedelta(days=2)).isoformat()
    body = owner_client.post(f"{url}/publish", {"at": later}, content_type="application/json")
    assert body.json()["status"] == "scheduled"
    body = owner_client.post(f"{url}/publish", {}, content_type="application/json")
    assert body.json()["status"] == "published"
    assert owner_client.post(f"{url}/unpublish").json()["status"] == "draft"


def test_rescoop_links_the_copy_to_its_origin(world: World) -> None:
    editor = token_client(world.users["editor"])
    response = editor.post(
        f"{posts_url(world)}/{world.post.pk}/rescoop",
        {"into": world.dest.slug, "insight": "Vu chez des collègues"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["topic"] == world.dest.slug
    assert body["origin"]["id"] == world.post.pk
    assert body["insight"] == "Vu chez des collègues"
    again = editor.post(
        f"{posts_url(world)}/{world.post.pk}/rescoop",
        {"into": world.dest.slug},
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["existing"]["id"] == body["id"]
    same = editor.post(
        f"{posts_url(world)}/{world.post.pk}/rescoop",
        {"into": world.topic.slug},
        content_type="application/json",
    )
    assert same.status_code == 422


def test_refetch_requeues_and_keeps_what_was_written(world: World, owner_client: Client) -> None:
    Post.objects.filter(pk=world.post.pk).update(state=Post.State.FAILED, state_error="timeout")
    response = owner_client.post(f"{posts_url(world)}/{world.post.pk}/refetch")
    assert response.status_code == 202
    assert (response.json()["state"], response.json()["stateError"]) == ("queued", "")
    assert Post.objects.get(pk=world.post.pk).insight == "Une **belle** initiative."
    no_url = owner_client.post(f"{posts_url(world)}/{world.own_post.pk}/refetch")
    assert no_url.status_code == 422 and no_url.json()["code"] == "invalid"


def test_state_errors_are_shown_to_curators_only(world: World) -> None:
    Post.objects.filter(pk=world.post.pk).update(state=Post.State.FAILED, state_error="HTTP 500")
    url = f"{posts_url(world)}/{world.post.pk}"
    assert token_client(world.users["contributor"]).get(url).json()["stateError"] == "HTTP 500"
    assert token_client(world.users["reader"]).get(url).json()["stateError"] == ""
