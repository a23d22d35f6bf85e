from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from glaneur.curation.models import Membership
from glaneur.organisations import services
from glaneur.organisations.colours import contrast_with_white, validate_colour
from glaneur.organisations.models import (
    Domain,
    Organisation,
    OrganisationMember,
    OrganisationTopic,
    normalise_host,
)
from tests.factories import add_member, make_organisation, make_topic

from .helpers import person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("colour", ["#1d4e89", "#000000", "#8A3B12", "#595959"])
def test_dark_colours_carry_white_text(colour: str) -> None:
    validate_colour(colour)
    assert contrast_with_white(colour) >= 4.5


@pytest.mark.parametrize("colour", ["#ffff00", "#777777", "#ffffff", "#1d9bf0"])
def test_light_colours_are_refused_with_the_contrast_measured(colour: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_colour(colour)
    assert error.value.code == "contrast"
    assert "WCAG AA demande 4,5:1" in error.value.messages[0]  # French first


@pytest.mark.parametrize("colour", ["red", "#fff", "#1d4e89;}body{", "1d4e89", "#1d4e8g"])
def test_only_hex_colours_are_accepted(colour: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_colour(colour)
    assert error.value.code == "format"


def test_hosts_are_normalised_and_checked() -> None:
    assert normalise_host(" Veille.Example.ORG. ") == "veille.example.org"
    assert normalise_host("café.example.fr") == "xn--caf-dma.example.fr"
    for bad in ["localhost", "127.0.0.1", "a..b.org", "exa mple.org", "-a.org", "x.org:8443"]:
        with pytest.raises(ValidationError):
            normalise_host(bad)


def test_the_creator_administers_the_organisation() -> None:
    admin = person()
    organisation = make_organisation(admin, slug="capmetiers", name="Cap Métiers NA")
    assert services.can_manage_org(admin, organisation)
    assert not services.can_manage_org(person(), organisation)
    assert not services.can_manage_org(person(is_superuser=False), organisation)
    assert services.can_manage_org(person(is_superuser=True), organisation)


def test_branding_is_validated_when_saved() -> None:
    admin = person()
    organisation = make_organisation(admin)
    with pytest.raises(ValidationError):
        services.update_branding(organisation, by=admin, primary_colour="#ffff00")
    with pytest.raises(ValidationError):
        services.update_branding(organisation, by=admin, logo_url="http://example.org/logo.png")
    services.update_branding(
        organisation, by=admin, logo_url="https://example.org/logo.png", accent_colour="#000000"
    )
    organisation.refresh_from_db()
    assert (organisation.logo_url, organisation.accent_colour) == (
        "https://example.org/logo.png",
        "#000000",
    )
    with pytest.raises(PermissionDenied):
        services.update_branding(organisation, by=person(), name="Hijacked")


def test_an_admin_adds_only_the_topics_they_own() -> None:
    admin = person()
    organisation = make_organisation(admin)
    own = make_topic(admin)
    theirs = make_topic()
    add_member(theirs, admin, Membership.Role.EDITOR)
    services.add_topic(organisation, own, by=admin)
    assert OrganisationTopic.objects.get(topic=own).organisation == organisation
    with pytest.raises(PermissionDenied):
        services.add_topic(organisation, theirs, by=admin)
    # The topic's owner who is not an administrator of the organisation may not either.
    with pytest.raises(PermissionDenied):
        services.add_topic(organisation, theirs, by=theirs.owner)
    assert services.topics_to_add(admin, organisation) == []


def test_a_topic_belongs_to_one_organisation() -> None:
    admin = person()
    first, second = make_organisation(admin), make_organisation(admin)
    topic = make_topic(admin)
    services.add_topic(first, topic, by=admin)
    with pytest.raises(ValidationError):
        services.add_topic(second, topic, by=admin)
    services.remove_topic(first, topic, by=admin)
    services.add_topic(second, topic, by=admin)
    assert OrganisationTopic.objects.get(topic=topic).organisation == second


def test_members_are_added_by_username_or_address_and_an_admin_always_stays() -> None:
    admin = person()
    organisation = make_organisation(admin)
    reader = person("camille")
    member = services.add_member(organisation, "camille@example.org", "member", by=admin)
    assert member.user == reader and member.role == "member"
    with pytest.raises(PermissionDenied):
        services.add_member(organisation, admin.username, "member", by=reader)
    with pytest.raises(ValidationError):
        services.add_member(organisation, "nobody", "member", by=admin)
    mine = OrganisationMember.objects.get(user=admin)
    with pytest.raises(ValidationError):
        services.remove_member(organisation, mine, by=admin)
    with pytest.raises(ValidationError):
        services.add_member(organisation, admin.username, "member", by=admin)
    services.add_member(organisation, "camille", "admin", by=admin)
    services.remove_member(organisation, mine, by=reader)
    assert list(organisation.members.values_list("user__username", "role")) == [
        ("camille", "admin")
    ]


def test_a_domain_is_added_pending_with_its_own_token(settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["glaneur.example.org", ".glaneur.example.org"]
    admin = person()
    organisation = make_organisation(admin)
    domain = services.add_domain(organisation, "Veille.Example.org", by=admin)
    other = services.add_domain(make_organisation(admin), "veille2.example.org", by=admin)
    assert domain.host == "veille.example.org" and domain.status == Domain.Status.PENDING
    assert domain.record_name == "_glaneur-challenge.veille.example.org"
    assert len(domain.token) >= 24 and domain.token != other.token
    for taken in ["veille.example.org", "glaneur.example.org", "www.glaneur.example.org"]:
        with pytest.raises(ValidationError):
            services.add_domain(organisation, taken, by=admin)
    with pytest.raises(PermissionDenied):
        services.add_domain(organisation, "x.example.net", by=person())


def test_the_command_line_creates_an_organisation_with_a_topic_and_a_domain(
    capsys: pytest.CaptureFixture[str],
) -> None:
    admin = person("observatoire")
    topic = make_topic(admin, title="Emploi local")
    call_command("orgs", "create", "capmetiers", "Cap Métiers NA", "--admin", "observatoire")
    call_command("orgs", "add-topic", "capmetiers", topic.slug)
    call_command("orgs", "domain", "add", "capmetiers", "veille.example.org")
    organisation = Organisation.objects.get(slug="capmetiers")
    assert services.can_manage_org(admin, organisation)
    assert OrganisationTopic.objects.get().organisation == organisation
    domain = Domain.objects.get()
    out = capsys.readouterr().out
    assert f'_glaneur-challenge.veille.example.org. TXT "{domain.token}"' in out
    with pytest.raises(CommandError):
        call_command("orgs", "add-topic", "nope", topic.slug)
    with pytest.raises(CommandError):
        call_command("orgs", "domain", "add", "capmetiers", "veille.example.org")
