"""A curator's page lists the topics and posts the visitor would find listed anyway."""

from __future__ import annotations

import pytest
from django.test import Client

from glaneur.curation.models import Membership
from glaneur.curation.services import create_post
from tests.factories import add_member, make_topic, make_user

pytestmark = pytest.mark.django_db


def test_a_profile_shows_each_visitor_what_is_listed_for_them(client: Client) -> None:
    curator = make_user("marie")
    colleague = make_user("paul")
    for visibility in ("public", "unlisted", "private"):
        topic = make_topic(curator, title=f"Sujet {visibility}", visibility=visibility)
        create_post(topic, by=curator, title=f"Article {visibility}")
        if visibility == "private":
            add_member(topic, colleague, Membership.Role.CONTRIBUTOR)
    seen = {}
    for name, visitor in (("anonymous", None), ("colleague", colleague), ("self", curator)):
        client.logout()
        if visitor is not None:
            client.force_login(visitor)
        html = client.get("/u/marie/").content.decode()
        kinds = ("public", "unlisted", "private")
        seen[name] = {v for v in kinds if f"Sujet {v}" in html}
        assert seen[name] == {v for v in kinds if f"Article {v}" in html}
    assert seen == {
        "anonymous": {"public"},
        "colleague": {"public", "private"},
        "self": {"public", "unlisted", "private"},
    }
