"""The access rule as one table: every role × every topic visibility × every write and
every way content leaves, each answer written here by hand (not computed by the code
under test, curation/access.py), each case one real request (or one digest run).

Roles: anonymous; reader (signed in, no role); contributor, editor, owner of the topic;
other (owner of another topic, no role in this one). Every signed-in user follows the
topic (followed while it was public, for those who may no longer see it).

The data is built once for the module, inside a transaction rolled back at its end; each
case runs in a savepoint of its own (pytest-django's ``db``), so what it writes is gone
before the next.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client

from glaneur.audience.digests import send_due_digests
from glaneur.audience.models import Comment, DigestFrequency, Follow
from glaneur.curation.models import Membership, Post, Topic
from glaneur.curation.services import create_post, create_topic
from glaneur.search.services import index_posts
from tests.audience.helpers import make_reader
from tests.factories import add_member, make_user

ROLES = ("anonymous", "reader", "contributor", "editor", "owner", "other")
VISIBILITIES = ("public", "unlisted", "private")

# One line per operation: for public, unlisted and private topics, what each role gets,
# in the order of ROLES (Y allowed / shown, N refused / absent).
#                          public    unlisted  private
EXPECTED: dict[str, tuple[str, str, str]] = {
    # Ways content leaves.
    "topic page":          ("YYYYYY", "YYYYYY", "NNYYYN"),
    "post page":           ("YYYYYY", "YYYYYY", "NNYYYN"),
    "draft page":          ("NNNYYN", "NNNYYN", "NNNYYN"),
    "feed":                ("YYYYYY", "YYYYYY", "NNNNNN"),  # feeds: what anyone sees
    "search, all topics":  ("YYYYYY", "NNYYYN", "NNYYYN"),  # unlisted: not listed
    "search, the topic":   ("YYYYYY", "YYYYYY", "NNYYYN"),
    "api topic list":      ("YYYYYY", "NNYYYN", "NNYYYN"),
    "api post list":       ("YYYYYY", "YYYYYY", "NNYYYN"),
    "api post":            ("YYYYYY", "YYYYYY", "NNYYYN"),
    "api draft":           ("NNNYYN", "NNNYYN", "NNNYYN"),
    "reading list":        ("NYYYYY", "NYYYYY", "NNYYYN"),
    "digest":              ("NYYYYY", "NYYYYY", "NNYYYN"),
    "subscriptions page":  ("NYYYYY", "NYYYYY", "NNYYYN"),
    "export":              ("YYYYYY", "YYYYYY", "NNYYYN"),
    # Writes.
    "create post":         ("NNYYYN", "NNYYYN", "NNYYYN"),
    "edit a post":         ("NNNYYN", "NNNYYN", "NNNYYN"),  # the owner's
    "edit one's own post": ("NNYYYN", "NNYYYN", "NNYYYN"),  # the contributor's
    "delete a post":       ("NNNYYN", "NNNYYN", "NNNYYN"),
    "pin":                 ("NNNYYN", "NNNYYN", "NNNYYN"),
    "pin by the edit form": ("NNNYYN", "NNNYYN", "NNNYYN"),
    "publish a draft":     ("NNNYYN", "NNNYYN", "NNNYYN"),
    "rescoop from":        ("NNYYYY", "NNYYYY", "NNYYYN"),  # a reader has no topic
    "rescoop a draft":     ("NNNYYN", "NNNYYN", "NNNYYN"),
    "rescoop into":        ("NNYYYN", "NNYYYN", "NNYYYN"),
    "comment":             ("NYYYYY", "NYYYYY", "NNYYYN"),
    "follow":              ("NYYYYY", "NYYYYY", "NNYYYN"),
    "unfollow":            ("NYYYYY", "NYYYYY", "NYYYYY"),  # always, even when closed
    "topic settings":      ("NNNYYN", "NNNYYN", "NNNYYN"),
    "members":             ("NNNYYN", "NNNYYN", "NNNYYN"),
}  # fmt: skip

WORDS = {"public": "quetzalcoatl", "unlisted": "ornithorynque", "private": "zeppelin"}
PARIS = ZoneInfo("Europe/Paris")
CURATED = datetime(2026, 3, 2, 9, tzinfo=PARIS)  # a Monday; digests leave at 07:00
DIGEST_RUN = datetime(2026, 3, 3, 8, tzinfo=PARIS)


@dataclass
class Place:
    """One topic of a given visibility and what it holds."""

    topic: Topic
    post: Post  # published, by the owner
    draft: Post  # by the owner
    own_post: Post  # published, by the contributor


@dataclass
class World:
    users: dict[str, Any]  # role -> user (None for anonymous)
    places: dict[str, Place]  # visibility -> place
    dest: dict[str, Topic]  # role -> a topic of theirs to rescoop into
    elsewhere_post: Post  # published in the other user's public topic
    newcomer: Any
    members: list[Membership] = field(default_factory=list)


def _build() -> World:
    users: dict[str, Any] = {"anonymous": None}
    for role in ROLES[1:]:
        users[role] = make_reader(f"matrix-{role}")
    owner, editor, contributor = users["owner"], users["editor"], users["contributor"]
    shared = create_topic(owner=owner, title="Matrice : destination")
    add_member(shared, editor, Membership.Role.CONTRIBUTOR)
    add_member(shared, contributor, Membership.Role.CONTRIBUTOR)
    elsewhere = create_topic(owner=users["other"], title="Matrice : ailleurs")
    elsewhere_post = create_post(elsewhere, by=users["other"], title="Article d'ailleurs")
    places = {}
    for visibility in VISIBILITIES:
        topic = create_topic(owner=owner, title=f"Matrice {visibility}", visibility=visibility)
        add_member(topic, editor, Membership.Role.EDITOR)
        add_member(topic, contributor, Membership.Role.CONTRIBUTOR)
        word = WORDS[visibility]
        places[visibility] = Place(
            topic=topic,
            post=create_post(topic, by=owner, title=f"Le {word} publié", curated_at=CURATED),
            draft=create_post(topic, by=owner, title=f"Brouillon {word}", status="draft"),
            own_post=create_post(topic, by=contributor, title=f"Contribution {word}"),
        )
        # Everyone signed in followed it (while it was public), digests off until asked.
        Follow.objects.bulk_create(
            Follow(user=user, topic=topic, digest=DigestFrequency.OFF)
            for user in users.values()
            if user is not None
        )
    index_posts(Post.objects.values_list("pk", flat=True))
    return World(
        users=users,
        places=places,
        dest={
            "reader": shared,  # not theirs: the form refuses it
            "contributor": shared,
            "editor": shared,
            "owner": shared,
            "other": elsewhere,
            "anonymous": shared,
        },
        elsewhere_post=elsewhere_post,
        newcomer=make_user("matrix-newcomer"),
    )


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock():
        block = transaction.atomic()
        block.__enter__()
        try:
            yield _build()
        finally:
            transaction.set_rollback(True)
            block.__exit__(None, None, None)


@dataclass
class Case:
    world: World
    role: str
    visibility: str
    client: Client

    @property
    def user(self) -> Any:
        return self.world.users[self.role]

    @property
    def place(self) -> Place:
        return self.world.places[self.visibility]

    @property
    def topic(self) -> Topic:
        return self.place.topic

    def get(self, path: str) -> Any:
        response = self.client.get(path)
        assert response.status_code < 500, (path, response.status_code)
        return response

    def post(self, path: str, data: dict[str, Any] | None = None, **extra: Any) -> Any:
        response = self.client.post(path, data or {}, **extra)
        assert response.status_code < 500, (path, response.status_code)
        return response

    def shows(self, path: str, text: str) -> bool:
        response = self.get(path)
        return response.status_code == 200 and text in response.content.decode()


def _topic_page(c: Case) -> bool:
    return c.shows(c.topic.get_absolute_url(), c.place.post.title)


def _post_page(c: Case) -> bool:
    return c.shows(c.place.post.get_absolute_url(), c.place.post.title)


def _draft_page(c: Case) -> bool:
    return c.shows(c.place.draft.get_absolute_url(), c.place.draft.title)


def _feed(c: Case) -> bool:
    return c.shows(f"{c.topic.get_absolute_url()}feed.rss", c.place.post.title)


def _search_all(c: Case) -> bool:
    return c.shows(f"/search/?q={WORDS[c.visibility]}", f'id="hit-{c.place.post.pk}"')


def _search_topic(c: Case) -> bool:
    path = f"{c.topic.get_absolute_url()}search/?q={WORDS[c.visibility]}"
    return c.shows(path, f'id="hit-{c.place.post.pk}"')


def _api_topics(c: Case) -> bool:
    response = c.get("/api/topics?perPage=100")
    return c.topic.slug in {t["slug"] for t in response.json()["items"]}


def _api_posts(c: Case) -> bool:
    response = c.get(f"/api/topics/{c.topic.slug}/posts?perPage=100")
    return response.status_code == 200 and c.place.post.pk in {
        p["id"] for p in response.json()["items"]
    }


def _api_post(c: Case) -> bool:
    return c.get(f"/api/topics/{c.topic.slug}/posts/{c.place.post.pk}").status_code == 200


def _api_draft(c: Case) -> bool:
    return c.get(f"/api/topics/{c.topic.slug}/posts/{c.place.draft.pk}").status_code == 200


def _reading_list(c: Case) -> bool:
    return c.shows("/following/", c.place.post.title)


def _digest(c: Case) -> bool:
    if c.user is None:
        return False
    Follow.objects.filter(user=c.user, topic=c.topic).update(
        digest=DigestFrequency.DAILY, digested_until=CURATED - timedelta(hours=3)
    )
    mail.outbox.clear()
    send_due_digests(now=DIGEST_RUN)
    return any(
        c.user.email in message.to and c.place.post.title in str(message.body)
        for message in mail.outbox
    )


def _subscriptions(c: Case) -> bool:
    return c.shows("/settings/subscriptions/", c.topic.title)


def _export(c: Case) -> bool:
    return c.shows(f"{c.topic.get_absolute_url()}export/json/", c.place.post.title)


def _reloaded(post: Post) -> Post | None:
    return Post.objects.filter(pk=post.pk).first()


def _create_post(c: Case) -> bool:
    c.post(f"{c.topic.get_absolute_url()}post/new/", {"title": "Tapé à la main", "tags": ""})
    return Post.objects.filter(topic=c.topic, title="Tapé à la main").exists()


def _edit(post: Post, c: Case) -> bool:
    c.post(f"{post.actions_path}edit/", {"title": "Titre changé"})
    changed = _reloaded(post)
    return changed is not None and changed.title == "Titre changé"


def _edit_post(c: Case) -> bool:
    return _edit(c.place.post, c)


def _edit_own_post(c: Case) -> bool:
    return _edit(c.place.own_post, c)


def _delete_post(c: Case) -> bool:
    c.post(f"{c.place.post.actions_path}delete/")
    return _reloaded(c.place.post) is None


def _pin(c: Case) -> bool:
    c.post(f"{c.place.post.actions_path}pin/", {"pinned": "1"})
    return bool(Post.objects.filter(pk=c.place.post.pk, pinned=True).exists())


def _pin_by_form(c: Case) -> bool:
    post = c.place.own_post
    c.post(f"{post.actions_path}edit/", {"title": post.title, "pinned": "on"})
    return bool(Post.objects.filter(pk=post.pk, pinned=True).exists())


def _publish_draft(c: Case) -> bool:
    draft = c.place.draft
    c.post(f"{draft.actions_path}edit/", {"title": draft.title, "action": "publish"})
    return bool(Post.objects.filter(pk=draft.pk, status=Post.Status.PUBLISHED).exists())


def _rescoop(post: Post, into: Topic, c: Case) -> bool:
    c.post(f"{post.actions_path}rescoop/", {"topic": into.pk, "insight": "Repris"})
    return Post.objects.filter(origin=post, topic=into).exists()


def _rescoop_from(c: Case) -> bool:
    return _rescoop(c.place.post, c.world.dest[c.role], c)


def _rescoop_draft(c: Case) -> bool:
    return _rescoop(c.place.draft, c.world.dest[c.role], c)


def _rescoop_into(c: Case) -> bool:
    return _rescoop(c.world.elsewhere_post, c.topic, c)


def _comment(c: Case) -> bool:
    c.post(f"{c.place.post.actions_path}comment/", {"text": "Merci pour ce partage"})
    return Comment.objects.filter(post=c.place.post, text="Merci pour ce partage").exists()


def _follow(c: Case) -> bool:
    if c.user is not None:
        Follow.objects.filter(user=c.user, topic=c.topic).delete()
    c.post(f"{c.topic.get_absolute_url()}follow/")
    return c.user is not None and Follow.objects.filter(user=c.user, topic=c.topic).exists()


def _unfollow(c: Case) -> bool:
    c.post(f"{c.topic.get_absolute_url()}follow/", {"action": "unfollow"})
    return c.user is not None and not Follow.objects.filter(user=c.user, topic=c.topic).exists()


def _topic_settings(c: Case) -> bool:
    c.post(
        f"{c.topic.get_absolute_url()}edit/",
        {"title": "Titre du sujet changé", "language": "fr", "visibility": c.visibility},
    )
    return Topic.objects.filter(pk=c.topic.pk, title="Titre du sujet changé").exists()


def _members(c: Case) -> bool:
    c.post(
        f"/api/topics/{c.topic.slug}/members",
        {"username": c.world.newcomer.username, "role": "contributor"},
        content_type="application/json",
    )
    return Membership.objects.filter(topic=c.topic, user=c.world.newcomer).exists()


OPERATIONS: dict[str, Callable[[Case], bool]] = {
    "topic page": _topic_page,
    "post page": _post_page,
    "draft page": _draft_page,
    "feed": _feed,
    "search, all topics": _search_all,
    "search, the topic": _search_topic,
    "api topic list": _api_topics,
    "api post list": _api_posts,
    "api post": _api_post,
    "api draft": _api_draft,
    "reading list": _reading_list,
    "digest": _digest,
    "subscriptions page": _subscriptions,
    "export": _export,
    "create post": _create_post,
    "edit a post": _edit_post,
    "edit one's own post": _edit_own_post,
    "delete a post": _delete_post,
    "pin": _pin,
    "pin by the edit form": _pin_by_form,
    "publish a draft": _publish_draft,
    "rescoop from": _rescoop_from,
    "rescoop a draft": _rescoop_draft,
    "rescoop into": _rescoop_into,
    "comment": _comment,
    "follow": _follow,
    "unfollow": _unfollow,
    "topic settings": _topic_settings,
    "members": _members,
}


def test_every_operation_has_its_line_in_the_table() -> None:
    assert set(OPERATIONS) == set(EXPECTED)
    assert all(len(line) == len(ROLES) for lines in EXPECTED.values() for line in lines)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("operation", list(EXPECTED))
def test_access(world: World, db: Any, operation: str, visibility: str, role: str) -> None:
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    case = Case(world=world, role=role, visibility=visibility, client=client)
    expected = EXPECTED[operation][VISIBILITIES.index(visibility)][ROLES.index(role)] == "Y"
    assert OPERATIONS[operation](case) is expected
