"""A team: the topic's owner (curator), an editor, a contributor, and a reader outside it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from glaneur.curation.models import Membership, Topic
from tests.audience.mailserver import smtp as smtp
from tests.factories import add_member, make_user


@pytest.fixture
def team(topic: Topic) -> dict[str, Any]:
    editor, contributor, reader = make_user("edith"), make_user("conrad"), make_user("rita")
    add_member(topic, editor, Membership.Role.EDITOR)
    add_member(topic, contributor, Membership.Role.CONTRIBUTOR)
    return {"owner": topic.owner, "editor": editor, "contributor": contributor, "reader": reader}


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
