"""Requests by Host: the main site, a verified custom domain (its organisation's pages), or
400 — and Django's own refusal of unknown hosts kept."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from typing import Any

import pytest
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from glaneur.curation.models import Topic
from glaneur.organisations import services
from glaneur.organisations.middleware import HostRoutingMiddleware
from glaneur.organisations.models import Domain, Organisation
from tests.factories import make_domain, make_organisation, make_posts, make_topic

from .helpers import person

pytestmark = pytest.mark.django_db
HOST = "veille.example.org"


@pytest.fixture
def site() -> dict[str, Any]:
    admin = person("admin")
    organisation = make_organisation(admin, slug="capmetiers", name="Cap Métiers NA")
    ours = make_topic(admin, title="Emploi local")
    make_posts(ours, 2)
    services.add_topic(organisation, ours, by=admin)
    other_org = make_organisation(admin, slug="autre", name="Autre observatoire")
    theirs = make_topic(admin, title="Autre veille")
    services.add_topic(other_org, theirs, by=admin)
    loose = make_topic(admin, title="Sans organisation")
    make_domain(organisation, HOST)
    return {"org": organisation, "ours": ours, "theirs": theirs, "loose": loose}


def get(path: str, host: str) -> Any:
    return Client().get(path, HTTP_HOST=host)


def test_the_main_host_is_unchanged(site: dict[str, Any]) -> None:
    home = get("/", "testserver")
    assert home.status_code == 200
    assert "Cap Métiers NA" not in home.content.decode()
    for topic in (site["ours"], site["theirs"], site["loose"]):
        assert get(f"/topic/{topic.slug}/", "testserver").status_code == 200
    assert get("/o/autre/", "testserver").status_code == 200


def test_a_verified_domain_serves_its_organisation_at_the_root(site: dict[str, Any]) -> None:
    page = get("/", HOST)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Cap Métiers NA" in html and "Emploi local" in html
    assert f'href="/topic/{site["ours"].slug}/"' in html
    topic_page = get(f"/topic/{site['ours'].slug}/", HOST)
    assert topic_page.status_code == 200 and "Emploi local" in topic_page.content.decode()
    post = site["ours"].posts.first()
    assert get(post.get_absolute_url(), HOST).status_code == 200
    assert get(f"/topic/{site['ours'].slug}/feed.rss", HOST).status_code == 200
    assert get("/o/capmetiers/", HOST).status_code == 200
    assert get("/", f"{HOST}:8443").status_code == 200  # with a port
    assert get("/", HOST.upper()).status_code == 200


def test_a_domain_serves_nothing_of_other_organisations(site: dict[str, Any]) -> None:
    for path in [
        f"/topic/{site['theirs'].slug}/",
        f"/topic/{site['theirs'].slug}/feed.rss",
        f"/topic/{site['loose'].slug}/",
        "/o/autre/",
        "/admin/",
        "/api/topics",
        "/_glaneur/domain-check?domain=" + HOST,
    ]:
        assert get(path, HOST).status_code == 404, path


@pytest.mark.parametrize("status", [None, Domain.Status.PENDING, Domain.Status.DISABLED], ids=str)
def test_unknown_unverified_and_disabled_hosts_are_refused(status: str | None) -> None:
    organisation = make_organisation()
    if status is not None:
        make_domain(organisation, "other.example.org", status=status)
    assert get("/", "other.example.org").status_code == 400
    assert get(f"/o/{organisation.slug}/", "other.example.org").status_code == 400


def test_a_domain_disabled_is_refused_at_once_in_this_process(site: dict[str, Any]) -> None:
    assert get("/", HOST).status_code == 200
    Domain.objects.filter(host=HOST).get().delete()
    assert get("/", HOST).status_code == 400
    make_domain(site["org"], "neuf.example.org")
    assert get("/", "neuf.example.org").status_code == 200


def test_django_still_refuses_hosts_outside_allowed_hosts(
    site: dict[str, Any], settings: Any
) -> None:
    assert HOST not in settings.ALLOWED_HOSTS
    seen: list[HttpRequest] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(request)
        return HttpResponse()

    middleware = HostRoutingMiddleware(view)
    middleware(RequestFactory().get("/", HTTP_HOST=HOST))
    assert seen[-1].get_host() == HOST  # this request only
    # Any other request object for that host: Django's check, untouched, refuses it.
    with pytest.raises(DisallowedHost):
        RequestFactory().get("/", HTTP_HOST=HOST).get_host()
    with pytest.raises(DisallowedHost):
        middleware(RequestFactory().get("/", HTTP_HOST="evil.example.net"))
    assert len(seen) == 1


def test_the_main_host_costs_no_query(site: dict[str, Any], django_assert_num_queries: Any) -> None:
    middleware = HostRoutingMiddleware(lambda request: HttpResponse())
    with django_assert_num_queries(0):  # the main host never loads the verified hosts
        for _ in range(5):
            middleware(RequestFactory().get("/topic/x/", HTTP_HOST="testserver"))
    with django_assert_num_queries(1):  # a custom domain loads them once per process
        middleware(RequestFactory().get("/", HTTP_HOST=HOST))
    with django_assert_num_queries(0):
        middleware(RequestFactory().get("/", HTTP_HOST=HOST))
        middleware(RequestFactory().get("/", HTTP_HOST="testserver"))


def test_a_wildcard_in_allowed_hosts_does_not_hide_custom_domains(
    site: dict[str, Any], settings: Any
) -> None:
    settings.ALLOWED_HOSTS = ["*"]
    assert "Cap Métiers NA" in get("/", HOST).content.decode()
    assert get(f"/topic/{site['theirs'].slug}/", HOST).status_code == 404
    assert get("/", "anything.example.net").status_code == 200  # what "*" asks for


def test_other_processes_see_changes_after_the_cache_time(
    site: dict[str, Any], settings: Any
) -> None:
    settings.GLANEUR_DOMAIN_CACHE_SECONDS = 0  # every request reloads
    assert get("/", HOST).status_code == 200
    # A change made by another process: no signal here.
    Domain.objects.filter(host=HOST).update(status=Domain.Status.DISABLED)
    assert get("/", HOST).status_code == 400


def test_the_ask_endpoint_answers_for_verified_domains_only(site: dict[str, Any]) -> None:
    make_domain(site["org"], "attente.example.org", status=Domain.Status.PENDING)
    ask = "/_glaneur/domain-check?domain="
    assert get(ask + HOST, "127.0.0.1").status_code == 200
    assert get(ask + "attente.example.org", "127.0.0.1").status_code == 404
    assert get(ask + "inconnu.example.org", "127.0.0.1").status_code == 404
    assert get("/_glaneur/domain-check", "127.0.0.1").status_code == 404


def test_the_ask_endpoint_may_require_a_token(site: dict[str, Any], settings: Any) -> None:
    settings.GLANEUR_DOMAIN_CHECK_TOKEN = "s3cret-token"
    ask = "/_glaneur/domain-check?domain=" + HOST
    assert get(ask, "127.0.0.1").status_code == 403
    assert get(ask + "&token=wrong", "127.0.0.1").status_code == 403
    assert get(ask + "&token=s3cret-token", "127.0.0.1").status_code == 200


def test_forms_post_on_a_custom_domain(site: dict[str, Any]) -> None:
    """CSRF compares the Origin with the request's host: the custom domain's."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(site["org"].members.get().user)
    page = client.get("/o/capmetiers/settings/", HTTP_HOST=HOST)
    assert page.status_code == 200
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/o/capmetiers/settings/",
        {
            "name": "Cap Métiers Nouvelle-Aquitaine",
            "primary_colour": "#1d4e89",
            "accent_colour": "#8a3b12",
            "csrfmiddlewaretoken": token,
        },
        HTTP_HOST=HOST,
        HTTP_ORIGIN=f"http://{HOST}",
    )
    assert response.status_code == 302
    assert Organisation.objects.get(slug="capmetiers").name == "Cap Métiers Nouvelle-Aquitaine"
    assert Topic.objects.count() == 3


def test_the_ask_endpoint_is_not_redirected_to_https(
    site: dict[str, Any], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECRET_KEY", "only-to-read-the-production-settings")
    production = importlib.import_module("glaneur.settings.production")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = production.SECURE_REDIRECT_EXEMPT
    assert get("/_glaneur/domain-check?domain=" + HOST, "127.0.0.1").status_code == 200
    assert get("/o/capmetiers/", "127.0.0.1").status_code == 301


def test_web_processes_do_not_load_the_dns_client() -> None:
    """Verification runs in the worker only: serving the pages never imports dnspython."""
    code = (
        "import django, sys; django.setup();"
        "from django.test import Client;"
        "from django.urls import resolve;"
        "import glaneur.urls, glaneur.organisations.views, glaneur.organisations.middleware;"
        "print(sorted(m for m in sys.modules if m == 'dns' or m.startswith('dns.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "glaneur.settings.test"},
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"
