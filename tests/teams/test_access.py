"""Who may open and change the team's pages: anonymous, a reader, a contributor, an editor,
the owner — every page and action, with the status it gets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from glaneur.curation.access import role_of
from glaneur.curation.models import AuditEntry, Membership, Post, Topic
from glaneur.curation.services import create_post, update_topic
from glaneur.teams import services as teams
from glaneur.teams.models import Invitation
from tests.teams.conftest import client_for

pytestmark = pytest.mark.django_db

WHO = ["anonymous", "reader", "contributor", "editor", "owner"]


def _user(team: dict[str, Any], who: str) -> Any:
    return None if who == "anonymous" else team[who]


# (page, method, data, expected status per kind of visitor)
MATRIX = [
    ("members", "get", {}, [302, 403, 200, 200, 200]),
    ("review", "get", {}, [302, 403, 403, 200, 200]),
    ("audit", "get", {}, [302, 403, 403, 200, 200]),
    # The editor invites; the owner's same invitation is refused as a duplicate (200, form).
    ("members", "post", {"action": "invite", "who": "new@example.org", "role": "contributor"},
     [302, 403, 403, 302, 200]),
    ("members", "post", {"action": "invite", "who": "boss@example.org", "role": "owner"},
     [302, 403, 403, 403, 302]),
    ("members", "post", {"action": "approval", "required": "1"}, [302, 403, 403, 403, 302]),
]  # fmt: skip


@pytest.mark.parametrize(("page", "method", "data", "expected"), MATRIX)
def test_the_access_matrix(
    topic: Topic, team: dict[str, Any], page: str, method: str, data: dict[str, str],
    expected: list[int],
) -> None:  # fmt: skip
    url = reverse(f"teams:{page}", args=[topic.slug])
    got = [getattr(client_for(_user(team, who)), method)(url, data).status_code for who in WHO]
    assert got == expected
    if data.get("action") == "invite":
        # One invitation, made by the first who may: nothing made by the others.
        assert Invitation.objects.filter(email=data["who"]).count() == 1
        assert AuditEntry.objects.filter(action="invited").count() == 1


def test_only_managers_approve_and_only_the_owner_changes_owners(
    topic: Topic, team: dict[str, Any]
) -> None:
    topic.contributors_need_approval = True
    topic.save()
    post = create_post(topic, by=team["contributor"], title="Une proposition")
    assert post.status == Post.Status.PENDING
    url = reverse("teams:review", args=[topic.slug])
    for who in ("reader", "contributor"):
        response = client_for(team[who]).post(url, {"post": post.pk, "action": "approve"})
        assert response.status_code == 403
    assert Post.objects.get(pk=post.pk).status == Post.Status.PENDING
    assert (
        client_for(team["editor"]).post(url, {"post": post.pk, "action": "approve"}).status_code
        == 302
    )
    assert Post.objects.get(pk=post.pk).status == Post.Status.PUBLISHED
    # An editor may not make an owner, nor unmake one.
    members = reverse("teams:members", args=[topic.slug])
    owner_row = Membership.objects.get(topic=topic, user=team["owner"])
    editor = client_for(team["editor"])
    editor.post(members, {"action": "role", "member": owner_row.pk, "role": "contributor"})
    editor.post(members, {"action": "remove", "member": owner_row.pk})
    contributor_row = Membership.objects.get(topic=topic, user=team["contributor"])
    editor.post(members, {"action": "role", "member": contributor_row.pk, "role": "owner"})
    assert Membership.objects.get(pk=owner_row.pk).role == "owner"
    assert Membership.objects.get(pk=contributor_row.pk).role == "contributor"


def test_the_last_owner_can_neither_leave_nor_be_removed(
    topic: Topic, team: dict[str, Any]
) -> None:
    members = reverse("teams:members", args=[topic.slug])
    owner = client_for(team["owner"])
    owner.post(members, {"action": "leave"})
    row = Membership.objects.get(topic=topic, user=team["owner"])
    owner.post(members, {"action": "remove", "member": row.pk})
    owner.post(members, {"action": "role", "member": row.pk, "role": "editor"})
    assert Membership.objects.get(pk=row.pk).role == "owner"
    # A contributor leaves.
    client_for(team["contributor"]).post(members, {"action": "leave"})
    assert not Membership.objects.filter(topic=topic, user=team["contributor"]).exists()
    assert AuditEntry.objects.filter(topic=topic, action="member_left").count() == 1


# Every change, by each kind of visitor on its own (each in a savepoint rolled back after):
# the status it gets, whether the change happened, and the audit entry it wrote.
Setup = Callable[[Topic, dict[str, Any]], tuple[str, dict[str, Any], Callable[[], bool]]]


def _row(topic: Topic, team: dict[str, Any], who: str) -> Membership:
    return Membership.objects.get(topic=topic, user=team[who])


def _role(topic: Topic, team: dict[str, Any]) -> tuple[str, dict[str, Any], Callable[[], bool]]:
    row = _row(topic, team, "contributor")
    data = {"action": "role", "member": row.pk, "role": "editor"}
    return "members", data, lambda: Membership.objects.get(pk=row.pk).role == "editor"


def _remove(topic: Topic, team: dict[str, Any]) -> tuple[str, dict[str, Any], Callable[[], bool]]:
    row = _row(topic, team, "contributor")
    data = {"action": "remove", "member": row.pk}
    return "members", data, lambda: not Membership.objects.filter(pk=row.pk).exists()


def _leave(topic: Topic, team: dict[str, Any]) -> tuple[str, dict[str, Any], Callable[[], bool]]:
    before = Membership.objects.filter(topic=topic).count()
    return "members", {"action": "leave"}, lambda: Membership.objects.count() < before


def _revoke(topic: Topic, team: dict[str, Any]) -> tuple[str, dict[str, Any], Callable[[], bool]]:
    made = teams.invite(topic, by=topic.owner, who="later@example.org", role="contributor")
    assert isinstance(made, Invitation)
    data = {"action": "revoke", "invitation": made.pk}
    return "members", data, lambda: Invitation.objects.get(pk=made.pk).revoked_at is not None


def _waiting(topic: Topic, team: dict[str, Any]) -> Post:
    update_topic(topic, by=topic.owner, contributors_need_approval=True)
    post = create_post(topic, by=team["contributor"], title="Une proposition")
    assert post.status == Post.Status.PENDING
    return post


def _approve(topic: Topic, team: dict[str, Any]) -> tuple[str, dict[str, Any], Callable[[], bool]]:
    post = _waiting(topic, team)
    data = {"action": "approve", "post": post.pk}
    return "review", data, lambda: Post.objects.get(pk=post.pk).status == Post.Status.PUBLISHED


def _send_back(
    topic: Topic, team: dict[str, Any]
) -> tuple[str, dict[str, Any], Callable[[], bool]]:
    post = _waiting(topic, team)
    data = {"action": "send_back", "post": post.pk, "note": "Précisez la source."}
    return "review", data, lambda: Post.objects.get(pk=post.pk).status == Post.Status.DRAFT


def _approval_off(
    topic: Topic, team: dict[str, Any]
) -> tuple[str, dict[str, Any], Callable[[], bool]]:
    update_topic(topic, by=topic.owner, contributors_need_approval=True)
    data = {"action": "approval", "required": "0"}
    return "members", data, lambda: not Topic.objects.get(pk=topic.pk).contributors_need_approval


# action: (setup, statuses, changed, audit action) per anonymous, reader, contributor,
# editor, owner. The last owner stays (leaving is refused with a message: 302, no change).
ACTIONS: dict[str, tuple[Setup, list[int], list[int], str]] = {
    "role": (_role, [302, 403, 403, 302, 302], [0, 0, 0, 1, 1], "role_changed"),
    "remove": (_remove, [302, 403, 403, 302, 302], [0, 0, 0, 1, 1], "member_removed"),
    "leave": (_leave, [302, 403, 302, 302, 302], [0, 0, 1, 1, 0], "member_left"),
    "revoke": (_revoke, [302, 403, 403, 302, 302], [0, 0, 0, 1, 1], "invitation_revoked"),
    "approve": (_approve, [302, 403, 403, 302, 302], [0, 0, 0, 1, 1], "post_approved"),
    "send_back": (_send_back, [302, 403, 403, 302, 302], [0, 0, 0, 1, 1], "post_sent_back"),
    "approval_off": (_approval_off, [302, 403, 403, 403, 302], [0, 0, 0, 0, 1],
                     "approval_not_required"),
}  # fmt: skip


@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_change_by_every_visitor(topic: Topic, team: dict[str, Any], action: str) -> None:
    setup, expected, changed, entry = ACTIONS[action]
    got: list[tuple[int, bool, int]] = []
    for who in WHO:
        with transaction.atomic():
            page, data, done = setup(topic, team)
            url = reverse(f"teams:{page}", args=[topic.slug])
            before = AuditEntry.objects.filter(action=entry).count()
            status = client_for(_user(team, who)).post(url, data).status_code
            written = AuditEntry.objects.filter(action=entry).count() - before
            got.append((status, done(), written))
            transaction.set_rollback(True)
    assert got == [(s, bool(c), int(c)) for s, c in zip(expected, changed, strict=True)]


def test_an_invitation_link_by_every_visitor(topic: Topic, team: dict[str, Any]) -> None:
    """Anyone signed in may take an open invitation (the link is the secret); a stranger is
    sent to sign in; a member keeps their own role; one audit entry per acceptance."""
    got: list[tuple[int, str | None, int]] = []
    for who in WHO:
        with transaction.atomic():
            made = teams.invite(topic, by=topic.owner, who="link@example.org", role="editor")
            assert isinstance(made, Invitation)
            url = reverse("teams:accept", args=[teams.invitation_token(made)])
            user = _user(team, who)
            status = client_for(user).post(url).status_code
            role = None if user is None else role_of(user, topic)
            written = AuditEntry.objects.filter(action="invitation_accepted").count()
            got.append((status, role, written))
            transaction.set_rollback(True)
    assert got == [
        (302, None, 0),
        (302, "editor", 1),
        (302, "contributor", 1),
        (302, "editor", 1),
        (302, "owner", 1),
    ]
