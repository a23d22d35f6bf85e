"""A change of the team and its audit entry go together: when the entry cannot be written,
the change is not made either (one transaction), whichever service makes it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from glaneur.curation import audit
from glaneur.curation.models import AuditEntry, Membership, Topic
from glaneur.curation.topics import add_member, leave_topic, remove_member, update_topic
from tests.factories import make_user

pytestmark = pytest.mark.django_db


class Refused(Exception):
    pass


def _state(topic: Topic) -> tuple[list[tuple[str, str]], bool]:
    rows = Membership.objects.filter(topic=topic).order_by("user__username")
    roles = [(m.user.username, m.role) for m in rows.select_related("user")]
    return roles, Topic.objects.get(pk=topic.pk).contributors_need_approval


CHANGES: dict[str, Callable[[Topic, dict[str, Any]], object]] = {
    "add": lambda t, team: add_member(t, team["newcomer"], "editor", by=t.owner),
    "role": lambda t, team: add_member(t, team["contributor"], "editor", by=t.owner),
    "remove": lambda t, team: remove_member(t, team["contributor"], by=t.owner),
    "leave": lambda t, team: leave_topic(t, team["editor"]),
    "approval": lambda t, team: update_topic(t, by=t.owner, contributors_need_approval=True),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_no_change_without_its_audit_entry(
    topic: Topic, team: dict[str, Any], change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    team["newcomer"] = make_user("nina")
    before = _state(topic)

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise Refused

    monkeypatch.setattr(audit, "record", refuse)
    with pytest.raises(Refused):
        CHANGES[change](topic, team)
    assert _state(topic) == before
    assert not AuditEntry.objects.exists()
    monkeypatch.undo()
    topic.refresh_from_db()  # the caller's copy was changed before the refusal
    CHANGES[change](topic, team)  # the same change goes through with its entry
    assert _state(topic) != before
    assert AuditEntry.objects.filter(topic=topic).count() == 1
