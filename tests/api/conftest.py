"""A topic with one user in each role, and API clients that authenticate as them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from glaneur.api.services import create_token
from glaneur.audience.models import Comment
from glaneur.audience.services import add_comment
from glaneur.curation.models import Membership, Post, Topic
from glaneur.curation.services import create_post
from tests.factories import add_member, make_topic, make_user

ROLES = ("anonymous", "reader", "contributor", "editor", "owner")


@dataclass
class World:
    topic: Topic
    users: dict[str, Any]  # role -> user, None for "anonymous"
    post: Post  # published, by the owner, tagged
    own_post: Post  # published, by the contributor
    draft: Post  # by the owner
    comment: Comment  # by the reader, on ``post``
    dest: Topic  # curated by the contributor and the editor too: rescoop target
    newcomer: Any  # a user nobody added to anything yet


def token_client(user: Any) -> Client:
    """A client sending ``Authorization: Bearer <a new token of user>`` (plain for None)."""
    if user is None:
        return Client()
    _token, secret = create_token(user, "tests")
    return Client(headers={"Authorization": f"Bearer {secret}"})


@pytest.fixture
def world(curator: Any, topic: Topic) -> World:
    users: dict[str, Any] = {"anonymous": None, "owner": curator}
    for role in ("reader", "contributor", "editor"):
        users[role] = make_user(f"{role}-user", first_name=role.capitalize())
    add_member(topic, users["editor"], Membership.Role.EDITOR)
    add_member(topic, users["contributor"], Membership.Role.CONTRIBUTOR)
    post = create_post(
        topic,
        by=curator,
        title="Un forum emploi à Bordeaux",
        url="https://example.org/forum-emploi",
        insight="Une **belle** initiative.",
        tags=["emploi", "Bordeaux"],
    )
    own_post = create_post(
        topic, by=users["contributor"], title="Le point de vue d'un acteur", tags=["emploi"]
    )
    draft = create_post(topic, by=curator, title="Brouillon", status=Post.Status.DRAFT)
    comment = add_comment(post, by=users["reader"], text="Merci !")
    dest = make_topic(curator, title="Destination")
    add_member(dest, users["editor"], Membership.Role.EDITOR)
    add_member(dest, users["contributor"], Membership.Role.CONTRIBUTOR)
    return World(
        topic=topic,
        users=users,
        post=post,
        own_post=own_post,
        draft=draft,
        comment=comment,
        dest=dest,
        newcomer=make_user("newcomer"),
    )


@pytest.fixture
def owner_client(world: World) -> Client:
    return token_client(world.users["owner"])


@pytest.fixture
def reader_client(world: World) -> Client:
    return token_client(world.users["reader"])
