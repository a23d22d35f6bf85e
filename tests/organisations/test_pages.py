"""The organisation's page and settings: who sees what, who may change what."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from glaneur.curation.models import Membership, Topic
from glaneur.organisations import services
from glaneur.organisations.models import Domain, Organisation, OrganisationMember
from tests.factories import add_member, make_domain, make_organisation, make_topic

from .helpers import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def org() -> dict[str, Any]:
    admin = person("admin", first_name="Alice Admin")
    member = person("member", first_name="Marc Membre")
    other = person("other")
    organisation = make_organisation(admin, slug="capmetiers", name="Cap Métiers NA")
    services.add_member(organisation, "member", "member", by=admin)
    topics = {}
    for visibility in Topic.Visibility.values:
        topic = make_topic(admin, title=f"Veille {visibility}", visibility=visibility)
        services.add_topic(organisation, topic, by=admin)
        topics[visibility] = topic
    spare = make_topic(admin, title="Veille à ajouter")
    return {
        "org": organisation,
        "users": {"anonymous": None, "member": member, "admin": admin, "other": other},
        "topics": topics,
        "spare": spare,
        "domain": make_domain(organisation, "veille.example.org", status=Domain.Status.PENDING),
    }


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_page_shows_branding_topics_and_members(org: dict[str, Any]) -> None:
    services.update_branding(
        org["org"],
        by=None,
        logo_url="https://example.org/logo.png",
        footer_text="<script>alert(1)</script> Région\nNouvelle-Aquitaine",
        primary_colour="#123456",
    )
    page = Client().get("/o/capmetiers/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'src="https://example.org/logo.png"' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Région" in html and "<script>alert" not in html
    assert "Alice Admin" in html and "Marc Membre" in html
    css = Client().get(reverse("organisations:brand-css", args=["capmetiers"]))
    assert css["Content-Type"].startswith("text/css")
    assert "--org-primary: #123456" in css.content.decode()
    assert Client().get("/o/nope/").status_code == 404


@pytest.mark.parametrize(
    ("who", "shown"),
    [
        ("anonymous", {"public"}),
        ("other", {"public"}),
        ("member", {"public"}),  # members of the organisation, not of the private topic
        ("admin", {"public", "unlisted", "private"}),  # the topics' owner
    ],
)
def test_the_page_lists_the_topics_curation_lists_to_the_visitor(
    org: dict[str, Any], who: str, shown: set[str]
) -> None:
    html = client_for(org["users"][who]).get("/o/capmetiers/").content.decode()
    assert {v for v in Topic.Visibility.values if f"Veille {v}" in html} == shown


def test_a_private_topic_appears_to_its_own_members_only(org: dict[str, Any]) -> None:
    reader = person()
    add_member(org["topics"]["private"], reader, Membership.Role.CONTRIBUTOR)
    assert "Veille private" in client_for(reader).get("/o/capmetiers/").content.decode()
    assert "Veille private" not in client_for(person()).get("/o/capmetiers/").content.decode()


SETTINGS_ACTIONS: list[tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = [
    (
        "settings",
        lambda o: {"name": "Nouveau nom", "primary_colour": "#000000", "accent_colour": "#000000"},
    ),
    ("topic-add", lambda o: {"topic": o["spare"].pk}),
    ("topic-remove", lambda o: {}),
    ("member-add", lambda o: {"username": "other", "role": "member"}),
    ("member-remove", lambda o: {}),
    ("domain-add", lambda o: {"host": "neuf.example.org"}),
    ("domain-verify", lambda o: {}),
    ("domain-remove", lambda o: {}),
]


def action_url(org: dict[str, Any], name: str) -> str:
    slug = org["org"].slug
    extra = {
        "topic-remove": [org["topics"]["public"].pk],
        "member-remove": [OrganisationMember.objects.get(user=org["users"]["member"]).pk],
        "domain-verify": [org["domain"].pk],
        "domain-remove": [org["domain"].pk],
    }.get(name, [])
    return reverse(f"organisations:{name}", args=[slug, *extra])


def state() -> tuple[Any, ...]:
    return (
        list(Organisation.objects.values_list("name", "primary_colour")),
        sorted(Topic.objects.filter(organisation_link__isnull=False).values_list("pk", flat=True)),
        sorted(OrganisationMember.objects.values_list("user__username", "role")),
        sorted(Domain.objects.values_list("host", flat=True)),
        DBTaskResult.objects.count(),
    )


@pytest.mark.parametrize("who", ["anonymous", "other", "member"])
@pytest.mark.parametrize("action", [name for name, _data in SETTINGS_ACTIONS])
def test_only_administrators_change_an_organisation(
    org: dict[str, Any], who: str, action: str
) -> None:
    data = dict(SETTINGS_ACTIONS)[action](org)
    before = state()
    response = client_for(org["users"][who]).post(action_url(org, action), data)
    assert response.status_code == (302 if who == "anonymous" else 403)
    if who == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    assert state() == before


@pytest.mark.parametrize("action", [name for name, _data in SETTINGS_ACTIONS])
def test_an_administrator_changes_the_organisation(
    org: dict[str, Any], action: str, django_capture_on_commit_callbacks: Any
) -> None:
    data = dict(SETTINGS_ACTIONS)[action](org)
    before = state()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(org["users"]["admin"]).post(action_url(org, action), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:settings", args=["capmetiers"])
    assert state() != before


@pytest.mark.parametrize(("who", "status"), [("other", 403), ("member", 403), ("admin", 200)])
def test_the_settings_page_is_for_administrators(
    org: dict[str, Any], who: str, status: int
) -> None:
    response = client_for(org["users"][who]).get(
        reverse("organisations:settings", args=["capmetiers"])
    )
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert org["domain"].token in html and "_glaneur-challenge.veille.example.org" in html
        assert "Veille à ajouter" in html  # a topic the admin owns, to add
    anonymous = Client().get(reverse("organisations:settings", args=["capmetiers"]))
    assert anonymous.status_code == 302


def test_a_bad_colour_is_shown_back_on_the_form(org: dict[str, Any]) -> None:
    response = client_for(org["users"]["admin"]).post(
        reverse("organisations:settings", args=["capmetiers"]),
        {"name": "X", "primary_colour": "#ffff00", "accent_colour": "#000000"},
    )
    assert response.status_code == 400
    assert "WCAG AA demande 4,5:1" in response.content.decode()  # French first
    assert Organisation.objects.get().primary_colour == "#1d4e89"


def test_an_admin_may_not_add_a_topic_they_do_not_own(org: dict[str, Any]) -> None:
    stranger_topic = make_topic(person(), title="Pas à moi")
    response = client_for(org["users"]["admin"]).post(
        reverse("organisations:topic-add", args=["capmetiers"]), {"topic": stranger_topic.pk}
    )
    assert response.status_code == 403
    assert not hasattr(Topic.objects.get(pk=stranger_topic.pk), "organisation_link")


def test_the_page_costs_the_same_queries_for_3_or_30_topics(
    org: dict[str, Any],
) -> None:
    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client = client_for(org["users"]["admin"])
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/o/capmetiers/").status_code == 200
        return len(queries)

    few = count()
    admin = org["users"]["admin"]
    for i in range(27):
        topic = make_topic(admin, title=f"En plus {i}")
        services.add_topic(org["org"], topic, by=admin)
        services.add_member(org["org"], person().username, "member", by=admin)
    assert count() == few


def test_operators_see_organisations_and_domains_in_the_admin(org: dict[str, Any]) -> None:
    client = client_for(person(is_superuser=True, is_staff=True))
    for url in [
        "/admin/organisations/organisation/",
        f"/admin/organisations/organisation/{org['org'].pk}/change/",
        "/admin/organisations/domain/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert (
            "veille.example.org" in response.content.decode() or "Cap" in response.content.decode()
        )
    assert client.get("/admin/organisations/domain/add/").status_code == 403


def test_a_signed_in_person_founds_an_organisation_and_administers_it() -> None:
    from glaneur.organisations.models import Organisation, OrganisationMember
    from tests.factories import make_user

    founder = make_user("fondatrice")
    anonymous = Client().post("/o/new/", {"name": "Cap Métiers", "slug": "cap-metiers"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    client = Client()
    client.force_login(founder)
    assert client.get("/o/new/").status_code == 200
    reserved = client.post("/o/new/", {"name": "Nouvelle", "slug": "new"})
    assert reserved.status_code == 200 and not Organisation.objects.exists()
    made = client.post("/o/new/", {"name": "Cap Métiers NA", "slug": "cap-metiers"})
    assert made.status_code == 302 and made["Location"] == "/o/cap-metiers/settings/"
    organisation = Organisation.objects.get(slug="cap-metiers")
    assert OrganisationMember.objects.get(organisation=organisation).user == founder
    assert client.get("/o/cap-metiers/settings/").status_code == 200
    taken = Client()
    taken.force_login(make_user("autre"))
    again = taken.post("/o/new/", {"name": "Autre", "slug": "cap-metiers"})
    assert again.status_code == 200 and Organisation.objects.count() == 1
