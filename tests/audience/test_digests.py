"""Follower digests, read from a real SMTP server on loopback."""

from __future__ import annotations

import io
from collections import Counter
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from glaneur.audience import mail as mail_module
from glaneur.audience.digests import send_due_digests
from glaneur.audience.models import Digest, DigestFrequency, Follow, SendStatus
from glaneur.curation.models import Post
from glaneur.curation.services import create_post
from tests.audience.helpers import make_reader
from tests.audience.mailserver import MailServer
from tests.factories import make_topic

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
MONDAY = datetime(2026, 3, 2, tzinfo=PARIS)  # digests leave at 07:00, weekly on Mondays


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return MONDAY + timedelta(days=day, hours=hour, minutes=minute)


def follow(user: Any, topic: Any, *, since: datetime, digest: str = "daily") -> Follow:
    return Follow.objects.create(user=user, topic=topic, digested_until=since, digest=digest)


def post(topic: Any, title: str, when: datetime, **extra: Any) -> Post:
    return create_post(topic, by=topic.owner, title=title, curated_at=when, **extra)


@pytest.fixture
def two_topics(db: Any) -> tuple[Any, Any]:
    return make_topic(title="Emploi en Gironde"), make_topic(title="Formation en Béarn")


def test_a_daily_digest_lists_both_followed_topics_in_one_message_once(
    smtp: MailServer, base_url: str, reader: Any, two_topics: tuple[Any, Any]
) -> None:
    gironde, bearn = two_topics
    follow(reader, gironde, since=at(0, 6))
    follow(reader, bearn, since=at(0, 6))
    forum = post(gironde, "Forum de l'emploi à Bordeaux", at(0, 9), insight="Un *forum* réussi.")
    post(bearn, "Atelier CV à Pau", at(0, 15), site_name="pau.fr")
    post(gironde, "Avant le suivi", at(0, 5))
    post(gironde, "Brouillon", at(0, 10), status=Post.Status.DRAFT)

    report = send_due_digests(now=at(1, 8))

    assert report.sent == 1
    [mail] = smtp.to(reader.email)
    for text in (mail.text, mail.html):
        assert "Forum de l" in text and "Atelier CV à Pau" in text
        assert "Emploi en Gironde" in text and "Formation en Béarn" in text
        assert "Avant le suivi" not in text and "Brouillon" not in text
    assert f"{base_url}{forum.get_absolute_url()}" in mail.text
    assert "pau.fr" in mail.text and "Un *forum* réussi." in mail.text
    assert mail.subject.startswith("2 ")  # posts, whatever the wording
    assert mail.message["Content-Language"] == "fr"
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail.message["List-Unsubscribe"].strip().startswith(f"<{base_url}/mail/unsubscribe/")
    assert f"{base_url}/settings/subscriptions/" in mail.text

    smtp.clear()
    assert send_due_digests(now=at(1, 9)).sent == 0  # the same day again: nothing
    assert send_due_digests(now=at(2, 8)).sent == 0  # nothing new: no empty digest
    assert smtp.messages == []

    post(gironde, "Nouveau chantier d'insertion", at(2, 11))
    send_due_digests(now=at(3, 8))
    [mail] = smtp.to(reader.email)
    assert "Nouveau chantier" in mail.text and "Forum de l" not in mail.text


def test_posts_curated_after_the_send_hour_wait_for_the_next_digest(
    smtp: MailServer, base_url: str, reader: Any, two_topics: tuple[Any, Any]
) -> None:
    gironde, _ = two_topics
    follow(reader, gironde, since=at(0, 6))
    post(gironde, "Publié à 7 h 30", at(1, 7, 30))

    assert send_due_digests(now=at(1, 8)).sent == 0
    assert send_due_digests(now=at(2, 8)).sent == 1
    assert "Publié à 7 h 30" in smtp.to(reader.email)[0].text


def test_daily_and_weekly_follows_that_fall_due_together_make_one_message(
    smtp: MailServer, base_url: str, reader: Any, two_topics: tuple[Any, Any]
) -> None:
    gironde, bearn = two_topics
    follow(reader, gironde, since=at(0, 8))
    follow(reader, bearn, since=at(0, 8), digest=DigestFrequency.WEEKLY)
    post(gironde, "Quotidien", at(3, 10))
    post(bearn, "Hebdomadaire", at(3, 10))

    send_due_digests(now=at(4, 8))  # Friday: only the daily follow is due
    [friday] = smtp.to(reader.email)
    assert "Quotidien" in friday.text and "Hebdomadaire" not in friday.text
    smtp.clear()
    post(gironde, "Lundi", at(6, 10))

    send_due_digests(now=at(7, 8))  # the next Monday: both

    [monday] = smtp.to(reader.email)
    assert "Hebdomadaire" in monday.text and "Lundi" in monday.text
    assert "Quotidien" not in monday.text


def test_no_digest_goes_to_an_unconfirmed_address_or_an_off_follow(
    smtp: MailServer, base_url: str, two_topics: tuple[Any, Any]
) -> None:
    gironde = two_topics[0]
    unconfirmed = make_reader("paul", verified=False)
    quiet = make_reader("ines")
    follow(unconfirmed, gironde, since=at(0, 6))
    follow(quiet, gironde, since=at(0, 6), digest=DigestFrequency.OFF)
    post(gironde, "Un post", at(0, 9))

    assert send_due_digests(now=at(1, 8)).sent == 0
    assert smtp.messages == []


def test_the_digest_is_written_in_the_followers_language(
    smtp: MailServer, base_url: str, two_topics: tuple[Any, Any]
) -> None:
    john = make_reader("john", language="en")
    follow(john, two_topics[0], since=at(0, 6))
    post(two_topics[0], "Un post", at(0, 9))

    send_due_digests(now=at(1, 8))

    [mail] = smtp.to(john.email)
    assert mail.subject == "1 new post in the topics you follow"
    assert mail.message["Content-Language"] == "en"


def test_one_click_unsubscribe_by_post_stops_digests_without_log_in(
    smtp: MailServer, base_url: str, reader: Any, two_topics: tuple[Any, Any]
) -> None:
    for topic in two_topics:
        follow(reader, topic, since=at(0, 6))
        post(topic, "Un post", at(0, 9))
    send_due_digests(now=at(1, 8))
    [mail] = smtp.to(reader.email)
    path = urlsplit(mail.message["List-Unsubscribe"].strip().strip("<>")).path
    browser = Client(enforce_csrf_checks=True)

    assert browser.get(path).status_code == 200  # a link scanner's GET changes nothing
    assert Follow.objects.filter(user=reader, digest=DigestFrequency.DAILY).count() == 2

    response = browser.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert Follow.objects.filter(user=reader, digest=DigestFrequency.OFF).count() == 2
    post(two_topics[0], "Encore un", at(1, 9))
    assert send_due_digests(now=at(2, 8)).sent == 0


def test_a_forged_unsubscribe_token_is_refused(client: Client, reader: Any) -> None:
    token = mail_module.unsubscribe_token("digest", reader.pk)
    response = client.post(f"/mail/unsubscribe/{token[:-2]}xx/")
    assert response.status_code == 400


def test_a_digest_interrupted_after_its_claim_is_sent_once_after_the_lease(
    smtp: MailServer,
    base_url: str,
    reader: Any,
    two_topics: tuple[Any, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    follow(reader, two_topics[0], since=at(0, 6))
    post(two_topics[0], "Un post", at(0, 9))

    def killed(*args: Any) -> Any:
        raise KeyboardInterrupt  # the worker dies between the claim and SMTP

    with monkeypatch.context() as patch:
        patch.setattr(mail_module, "send", killed)
        with pytest.raises(KeyboardInterrupt):
            send_due_digests(now=at(1, 8))
    assert Digest.objects.get().status == SendStatus.SENDING

    assert send_due_digests(now=at(1, 8, 5)).sent == 0  # another worker's claim: wait
    report = send_due_digests(now=at(1, 8, 30))  # the lease is over: take it over

    assert (report.resumed, report.sent) == (1, 1)
    assert len(smtp.to(reader.email)) == 1
    assert send_due_digests(now=at(2, 8)).sent == 0
    assert len(smtp.to(reader.email)) == 1


def test_a_temporary_refusal_is_retried_at_the_next_run(
    smtp: MailServer, base_url: str, reader: Any, two_topics: tuple[Any, Any]
) -> None:
    follow(reader, two_topics[0], since=at(0, 6))
    post(two_topics[0], "Un post", at(0, 9))
    smtp.handler.fail_after = 0

    report = send_due_digests(now=at(1, 8))

    assert (report.sent, report.retried) == (0, 1)
    digest = Digest.objects.get()
    assert digest.status == SendStatus.PENDING and digest.error.startswith("451")
    smtp.handler.fail_after = None
    assert send_due_digests(now=at(1, 8, 5)).sent == 1
    assert len(smtp.to(reader.email)) == 1


def test_the_subscriptions_page_sets_each_follows_frequency(
    client: Client, reader: Any, two_topics: tuple[Any, Any]
) -> None:
    gironde, bearn = two_topics
    follow(reader, gironde, since=at(0, 6), digest=DigestFrequency.OFF)
    follow(reader, bearn, since=at(0, 6))
    client.force_login(reader)
    html = client.get("/settings/subscriptions/").content.decode()
    assert gironde.title in html and f'name="digest-{gironde.pk}"' in html

    response = client.post(
        "/settings/subscriptions/",
        {f"digest-{gironde.pk}": "weekly", f"digest-{bearn.pk}": "off"},
    )

    assert response.status_code == 302
    turned_on = Follow.objects.get(user=reader, topic=gironde)
    assert turned_on.digest == "weekly"
    assert turned_on.digested_until > at(0, 6)  # no backlog from while it was off
    assert Follow.objects.get(user=reader, topic=bearn).digest == "off"


@pytest.mark.django_db(transaction=True)
def test_digests_sent_over_several_connections_reach_each_follower_once(
    smtp: MailServer, base_url: str, settings: Any
) -> None:
    settings.GLANEUR_MAIL_CONNECTIONS = 3
    settings.GLANEUR_MAIL_BATCH = 7
    topic = make_topic()
    post(topic, "Un post", at(0, 9))
    readers = [make_reader(f"reader{n}") for n in range(30)]
    for reader in readers:
        follow(reader, topic, since=at(0, 6))

    report = send_due_digests(now=at(1, 8))

    assert report.sent == 30
    recipients = Counter(address for m in smtp.messages for address in m.recipients)
    assert set(recipients) == {r.email for r in readers} and set(recipients.values()) == {1}


def test_send_digests_command_sends_what_is_due(
    smtp: MailServer, base_url: str, reader: Any, two_topics: tuple[Any, Any]
) -> None:
    # The real clock: the last 07:00 boundary is less than a day old, whatever the hour.
    gironde, _ = two_topics
    now = timezone.now()
    follow(reader, gironde, since=now - timedelta(days=3))
    post(gironde, "Forum de l'emploi à Bordeaux", now - timedelta(hours=30))
    out = io.StringIO()
    call_command("send_digests", "--check", stdout=out)
    assert out.getvalue().strip() == "due"
    out = io.StringIO()
    call_command("send_digests", stdout=out)
    assert out.getvalue().startswith("sent 1, failed 0")
    assert len(smtp.to(reader.email)) == 1
    out = io.StringIO()
    call_command("send_digests", "--check", stdout=out)
    assert out.getvalue().strip() == "nothing due"
