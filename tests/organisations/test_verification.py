"""Custom domains verified by their DNS TXT record, against a DNS server on loopback.

The reasons are stored in the site's language (French first), as the worker writes them."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from glaneur.organisations import services, tasks
from glaneur.organisations.models import Domain
from glaneur.runtime.jobs import jobs
from tests.factories import make_domain, make_organisation

from .dns_server import TxtServer
from .helpers import person

pytestmark = pytest.mark.django_db
RECORD = "_glaneur-challenge.veille.example.org"


@pytest.fixture
def domain() -> Domain:
    organisation = make_organisation(person("admin"))
    return services.add_domain(organisation, "veille.example.org", by=None)


def test_the_right_token_verifies_the_domain(dns_server: TxtServer, domain: Domain) -> None:
    dns_server.records[RECORD] = ["something else", domain.token]
    services.verify_domain(domain)
    domain.refresh_from_db()
    assert domain.status == Domain.Status.VERIFIED
    assert domain.verified_at is not None and domain.last_checked_at is not None
    assert (domain.failures, domain.last_error) == (0, "")
    assert dns_server.queries == [RECORD]


def test_a_missing_record_leaves_the_domain_pending_with_the_reason(
    dns_server: TxtServer, domain: Domain
) -> None:
    services.verify_domain(domain)
    domain.refresh_from_db()
    assert domain.status == Domain.Status.PENDING
    assert domain.failures == 1
    assert domain.last_error == f"Il n’y a pas d’enregistrement DNS nommé {RECORD}."


def test_a_wrong_token_leaves_the_domain_pending_with_what_was_found(
    dns_server: TxtServer, domain: Domain
) -> None:
    dns_server.records[RECORD] = ["an-old-token"]
    services.verify_domain(domain)
    domain.refresh_from_db()
    assert domain.status == Domain.Status.PENDING
    assert domain.last_error == (
        f"L’enregistrement TXT de {RECORD} contient 'an-old-token', et non le jeton de ce domaine."
    )


def test_an_empty_name_is_told_apart_from_a_missing_one(
    dns_server: TxtServer, domain: Domain
) -> None:
    dns_server.records[RECORD] = []  # the name exists, without TXT
    services.verify_domain(domain)
    domain.refresh_from_db()
    assert domain.last_error == f"{RECORD} n’a pas d’enregistrement TXT."


@pytest.fixture
def silent_server(settings: Any) -> Iterator[None]:
    """A UDP port that never answers."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    settings.GLANEUR_DNS_NAMESERVERS = [f"127.0.0.1:{sock.getsockname()[1]}"]
    settings.GLANEUR_DNS_TIMEOUT = 0.3
    yield
    sock.close()


def test_a_dns_server_that_does_not_answer_is_said_so(silent_server: None, domain: Domain) -> None:
    services.verify_domain(domain)
    domain.refresh_from_db()
    assert domain.status == Domain.Status.PENDING
    assert domain.last_error.startswith("Aucun serveur DNS n’a répondu")


def test_a_verified_domain_failing_twice_is_disabled_with_the_reason(
    dns_server: TxtServer, domain: Domain
) -> None:
    dns_server.records[RECORD] = [domain.token]
    services.verify_domain(domain)
    del dns_server.records[RECORD]
    services.verify_domain(domain)
    domain.refresh_from_db()
    assert (domain.status, domain.failures) == (Domain.Status.VERIFIED, 1)  # one grace check
    services.verify_domain(domain)
    domain.refresh_from_db()
    assert (domain.status, domain.failures) == (Domain.Status.DISABLED, 2)
    assert domain.last_error.startswith("Désactivé après 2 vérifications échouées de suite")
    assert RECORD in domain.last_error
    # The record back, "verify now" brings the domain back.
    dns_server.records[RECORD] = [domain.token]
    services.verify_domain(domain)
    domain.refresh_from_db()
    assert (domain.status, domain.failures, domain.last_error) == (Domain.Status.VERIFIED, 0, "")


def test_a_success_between_failures_resets_the_count(dns_server: TxtServer, domain: Domain) -> None:
    dns_server.records[RECORD] = [domain.token]
    services.verify_domain(domain)
    dns_server.records[RECORD] = ["wrong"]
    services.verify_domain(domain)
    dns_server.records[RECORD] = [domain.token]
    services.verify_domain(domain)
    dns_server.records[RECORD] = ["wrong"]
    services.verify_domain(domain)
    domain.refresh_from_db()
    assert (domain.status, domain.failures) == (Domain.Status.VERIFIED, 1)


def test_verify_now_enqueues_the_check_and_the_request_asks_no_dns(
    dns_server: TxtServer, domain: Domain, django_capture_on_commit_callbacks: Any
) -> None:
    dns_server.records[RECORD] = [domain.token]
    client = Client()
    client.force_login(domain.organisation.members.get().user)
    url = reverse("organisations:domain-verify", args=[domain.organisation.slug, domain.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert dns_server.queries == []
    [task] = DBTaskResult.objects.filter(task_path__endswith="organisations.tasks.verify_domain")
    assert task.args_kwargs["args"] == [domain.pk]
    # The worker runs it.
    assert tasks.verify_domain.call(domain.pk) == Domain.Status.VERIFIED
    assert dns_server.queries == [RECORD]
    assert tasks.verify_domain.call(domain.pk + 1000) is None  # removed meanwhile


def test_the_periodic_job_enqueues_the_domains_due(domain: Domain) -> None:
    now = timezone.now()
    organisation = domain.organisation
    stale = make_domain(organisation, "stale.example.org")
    Domain.objects.filter(pk=stale.pk).update(last_checked_at=now - timedelta(days=2))
    fresh = make_domain(organisation, "fresh.example.org")
    Domain.objects.filter(pk=fresh.pk).update(last_checked_at=now - timedelta(hours=2))
    make_domain(organisation, "off.example.org", status=Domain.Status.DISABLED)
    old = make_domain(organisation, "abandoned.example.org", status=Domain.Status.PENDING)
    Domain.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=30))
    [job] = [j for j in jobs() if j.name == "organisations-verify-domains"]
    assert job.run() == 2
    queued = DBTaskResult.objects.filter(task_path__endswith="organisations.tasks.verify_domain")
    assert sorted(t.args_kwargs["args"][0] for t in queued) == sorted([domain.pk, stale.pk])


def test_the_command_line_verifies_a_domain(dns_server: TxtServer, domain: Domain) -> None:
    with pytest.raises(CommandError) as error:
        call_command("orgs", "domain", "verify", "veille.example.org")
    assert RECORD in str(error.value)
    dns_server.records[RECORD] = [domain.token]
    call_command("orgs", "domain", "verify", "veille.example.org")
    domain.refresh_from_db()
    assert domain.status == Domain.Status.VERIFIED
