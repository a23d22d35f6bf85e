"""Every rate limit holds across the web processes `glaneur serve` runs (issue 11, item 10).

A real `glaneur serve --workers 2` answers on loopback, against the test database. The first
N requests go to one worker, request N+1 to the other: it must be refused, which only happens
if both count in one place (the shared cache), not each in its own memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from glaneur.audience.models import Subscriber
from glaneur.ingest.models import PageCapture
from tests.audience.helpers import make_reader
from tests.factories import PASSWORD, make_topic
from tests.webserver import GlaneurServer

pytestmark = pytest.mark.django_db(transaction=True)

SUBSCRIBE_RATE = 4
CAPTURE_RATE = 3


@pytest.fixture(scope="module")
def server(django_db_setup: Any, django_db_blocker: Any) -> Iterator[GlaneurServer]:
    server = GlaneurServer(
        workers=2,
        GLANEUR_SUBSCRIBE_RATE=str(SUBSCRIBE_RATE),
        GLANEUR_CAPTURE_RATE=str(CAPTURE_RATE),
    )
    try:
        server.start()
        yield server
    finally:
        server.stop()


class Browser:
    """One visitor: cookies kept, CSRF token sent as Django expects, no redirect followed."""

    def __init__(self, server: GlaneurServer) -> None:
        self.server = server
        self.session = requests.Session()

    def get(self, path: str) -> requests.Response:
        return self.session.get(self.server.url(path), allow_redirects=False, timeout=60)

    def post(self, path: str, data: dict[str, str], *, form: str | None = None) -> Any:
        """POST ``data``; ``form``: the page to GET first, for its CSRF cookie."""
        if form is not None:
            self.get(form)
            data = {**data, "csrfmiddlewaretoken": str(self.session.cookies["csrftoken"])}
        return self.session.post(
            self.server.url(path), data=data, allow_redirects=False, timeout=60
        )

    def log_in(self, login: str, password: str) -> requests.Response:
        return self.post(
            "/accounts/login/",
            {"login": login, "password": password},
            form="/accounts/login/",
        )

    def is_logged_in(self) -> bool:
        return self.get("/settings/").status_code == 200


def test_failed_log_ins_lock_the_account_in_every_worker(server: GlaneurServer) -> None:
    make_reader("sam")
    first, second = server.workers
    with server.only(first):
        for _ in range(5):  # "5/5m/key"
            assert Browser(server).log_in("sam", "wrong").status_code == 200

    with server.only(second):
        browser = Browser(server)
        response = browser.log_in("sam", PASSWORD)

        # Locked out: the right password does not open the account either.
        assert response.status_code != 302
        assert not browser.is_logged_in()


def test_failed_log_ins_from_one_address_are_limited_in_every_worker(
    server: GlaneurServer,
) -> None:
    make_reader("sam")
    first, second = server.workers
    with server.only(first):
        for n in range(10):  # "10/m/ip", each on another account (5 per account lock it)
            assert Browser(server).log_in(f"guess{n}", "wrong").status_code == 200

    with server.only(second):
        browser = Browser(server)
        assert browser.log_in("sam", PASSWORD).status_code != 302
        assert not browser.is_logged_in()


def test_sign_ups_are_limited_in_every_worker(server: GlaneurServer) -> None:
    def sign_up(username: str) -> int:
        form = {
            "email": f"{username}@example.org",
            "username": username,
            "first_name": username,
            "password1": PASSWORD,
            "password2": PASSWORD,
        }
        return int(
            Browser(server).post("/accounts/signup/", form, form="/accounts/signup/").status_code
        )

    first, second = server.workers
    with server.only(first):
        assert [sign_up(f"user{n}") for n in range(5)] == [302] * 5  # "5/m/ip"
    with server.only(second):
        assert sign_up("one-too-many") == 429


def test_password_resets_are_limited_in_every_worker(server: GlaneurServer) -> None:
    user = make_reader("marc")

    def reset() -> int:
        browser = Browser(server)
        form = "/accounts/password/reset/"
        return int(browser.post(form, {"email": user.email}, form=form).status_code)

    first, second = server.workers
    with server.only(first):
        assert [reset() for _ in range(5)] == [302] * 5  # "5/m/key"
    with server.only(second):
        assert reset() == 429


def test_newsletter_subscriptions_are_limited_in_every_worker(server: GlaneurServer) -> None:
    topic = make_topic()
    embed = f"/topic/{topic.slug}/newsletter/embed/"
    first, second = server.workers
    with server.only(first):
        for n in range(SUBSCRIBE_RATE):
            Browser(server).post(embed, {"email": f"s{n}@example.net"})
    assert Subscriber.objects.count() == SUBSCRIBE_RATE

    with server.only(second):
        refused = Browser(server).post(embed, {"email": "late@example.net"})

    assert refused.status_code == 429
    assert not Subscriber.objects.filter(email="late@example.net").exists()


def test_bookmarklet_page_copies_are_limited_in_every_worker(server: GlaneurServer) -> None:
    def capture(n: int) -> Any:
        page = {"url": f"https://example.org/{n}", "title": "T", "html": "<p>page</p>"}
        return Browser(server).post("/scoop/capture/", page)

    first, second = server.workers
    with server.only(first):
        assert [capture(n).status_code for n in range(CAPTURE_RATE)] == [303] * CAPTURE_RATE
    with server.only(second):
        refused = capture(CAPTURE_RATE)

    assert refused.status_code == 429
    assert PageCapture.objects.count() == CAPTURE_RATE
