"""Two owners leaving at the same moment: one goes, the other is told a topic keeps an owner
(the team's changes take the topic's row in turn; SQLite serialises writers anyway)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from glaneur.curation.models import Membership
from glaneur.curation.topics import leave_topic
from tests.factories import add_member, make_topic, make_user


@pytest.mark.django_db(transaction=True)  # each thread its own connection, really committed
def test_two_owners_leaving_at_once_leave_one() -> None:
    first, second = make_user("premiere"), make_user("seconde")
    topic = make_topic(first)
    add_member(topic, second, Membership.Role.OWNER)
    first_left, release = threading.Event(), threading.Event()
    refused: list[str] = []

    def leave(user: Any, hold: bool) -> None:
        try:
            with transaction.atomic():
                leave_topic(topic, user)
                if hold:  # stays uncommitted while the other owner tries
                    first_left.set()
                    release.wait(timeout=30)
        except ValidationError:
            refused.append(user.username)
        finally:
            first_left.set()
            connection.close()

    holder = threading.Thread(target=leave, args=(first, True))
    holder.start()
    assert first_left.wait(timeout=30)
    other = threading.Thread(target=leave, args=(second, False))
    other.start()
    # Give the second owner time to read the team: without the lock it would see the first
    # still there (not committed) and leave too. With it, it waits for the first's commit.
    other.join(timeout=2)
    release.set()
    holder.join(timeout=30)
    other.join(timeout=30)
    owners = Membership.objects.filter(topic=topic, role=Membership.Role.OWNER)
    assert list(owners.values_list("user__username", flat=True)) == ["seconde"]
    assert refused == ["seconde"]
