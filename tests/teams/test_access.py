"""Who may open and change the team's pages: anonymous, a reader, a contributor, an editor,
the owner — every page and action, with the status it gets."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from glaneur.curation.models import AuditEntry, Membership, Post, Topic
from glaneur.curation.services import create_post
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
