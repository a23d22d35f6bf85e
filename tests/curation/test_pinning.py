"""Pinning is the owner's and editors' decision on every path: a contributor's ``pinned``
is ignored by the new-post form, the edit form, and the API's create and update."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from glaneur.curation.models import Membership, Post
from glaneur.curation.services import create_post, update_post
from tests.api.conftest import token_client
from tests.factories import add_member, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def contributor(topic: Any) -> Any:
    user = make_user("contributrice")
    add_member(topic, user, Membership.Role.CONTRIBUTOR)
    return user


@pytest.fixture
def editor(topic: Any) -> Any:
    user = make_user("editeur")
    add_member(topic, user, Membership.Role.EDITOR)
    return user


def form_create(client: Client, topic: Any, user: Any, title: str) -> Post:
    client.force_login(user)
    client.post(
        f"{topic.get_absolute_url()}post/new/",
        {"title": title, "url": "", "tags": "", "pinned": "on"},
    )
    return Post.objects.get(title=title)


def test_the_new_post_form_ignores_a_contributors_pinned(
    client: Client, topic: Any, contributor: Any, editor: Any
) -> None:
    assert not form_create(client, topic, contributor, "Par la contributrice").pinned
    assert form_create(client, topic, editor, "Par l'éditeur").pinned


def test_the_new_post_form_offers_pinning_to_managers_only(
    client: Client, topic: Any, contributor: Any
) -> None:
    new_post = f"{topic.get_absolute_url()}post/new/"
    client.force_login(contributor)
    assert 'name="pinned"' not in client.get(new_post).content.decode()
    client.force_login(topic.owner)
    assert 'name="pinned"' in client.get(new_post).content.decode()


def test_the_edit_form_ignores_a_contributors_pinned(
    client: Client, topic: Any, contributor: Any
) -> None:
    post = create_post(topic, by=contributor, title="À épingler ?")
    client.force_login(contributor)
    response = client.post(
        f"{post.actions_path}edit/", {"title": "À épingler ?", "insight": "Vu", "pinned": "on"}
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.insight == "Vu"  # the rest of the edit is saved
    assert not post.pinned


def test_a_contributor_cannot_unpin_what_the_owner_pinned(
    client: Client, topic: Any, contributor: Any
) -> None:
    post = create_post(topic, by=contributor, title="Épinglé par la propriétaire")
    Post.objects.filter(pk=post.pk).update(pinned=True)
    update_post(post, by=contributor, pinned=False, insight="Relu")
    post.refresh_from_db()
    assert post.pinned and post.insight == "Relu"


def test_the_api_ignores_a_contributors_pinned_on_create_and_update(
    topic: Any, contributor: Any, editor: Any
) -> None:
    api = token_client(contributor)
    created = api.post(
        f"/api/topics/{topic.slug}/posts",
        {"title": "Par l'API", "pinned": True},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["pinned"] is False
    post_id = created.json()["id"]
    updated = api.patch(
        f"/api/topics/{topic.slug}/posts/{post_id}",
        {"pinned": True, "insight": "Modifié"},
        content_type="application/json",
    )
    assert updated.status_code == 200
    assert updated.json()["pinned"] is False and updated.json()["insight"] == "Modifié"
    assert not Post.objects.get(pk=post_id).pinned
    by_editor = token_client(editor).patch(
        f"/api/topics/{topic.slug}/posts/{post_id}",
        {"pinned": True},
        content_type="application/json",
    )
    assert by_editor.json()["pinned"] is True


def test_the_pin_endpoint_refuses_a_contributor(
    client: Client, topic: Any, contributor: Any
) -> None:
    post = create_post(topic, by=contributor, title="Le mien")
    client.force_login(contributor)
    assert client.post(f"{post.actions_path}pin/", {"pinned": "1"}).status_code == 403
    post.refresh_from_db()
    assert not post.pinned
