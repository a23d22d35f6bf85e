"""Sessions are read in SQL (glaneur.db.sessions): a live session signs its user in, a
session that ended (log-out) or expired signs nobody in, whatever its cookie says."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from glaneur.db.sessions import SessionStore
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def signed_in_as(client: Client) -> str:
    html = client.get("/").content.decode()
    return "signed-in" if 'action="/accounts/logout/"' in html else "anonymous"


def test_the_site_reads_sessions_with_this_store() -> None:
    assert settings.SESSION_ENGINE == "glaneur.db.sessions"


def test_a_saved_session_reads_back() -> None:
    store = SessionStore()
    store["answer"] = 42
    store.save()
    assert SessionStore(store.session_key)["answer"] == 42


def test_an_unknown_key_reads_as_an_empty_session() -> None:
    store = SessionStore("a-key-nobody-ever-had-0123456789")
    assert store.load() == {}
    assert store.session_key is None


def test_a_live_session_signs_in_and_a_logged_out_one_does_not() -> None:
    client = Client()
    client.force_login(make_user("lectrice"))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert signed_in_as(client) == "signed-in"
    client.post("/accounts/logout/")
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert signed_in_as(replay) == "anonymous"


def test_an_expired_session_signs_nobody_in() -> None:
    client = Client()
    client.force_login(make_user("lectrice"))
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    assert signed_in_as(client) == "anonymous"
