"""Topic newsletters: double opt-in, recipients, CSV, sending over real SMTP, archive."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.text import slugify

from glaneur.audience import mail, newsletter_issues, newsletter_subscriptions
from glaneur.audience.models import Delivery, Issue, SendStatus, Subscriber
from glaneur.curation.models import Membership
from glaneur.curation.services import create_post
from tests.audience.helpers import make_reader, make_sent_issues, make_subscribers
from tests.audience.mailserver import MailServer
from tests.factories import add_member, make_topic, make_user

pytestmark = pytest.mark.django_db


def compose(topic: Any, *, subject: str = "La lettre de mars") -> Issue:
    first = create_post(
        topic,
        by=topic.owner,
        title="Forum emploi à Bordeaux",
        insight="Un **forum** réussi.",
        url=f"https://example.org/{slugify(subject)}",
        site_name="example.org",
    )
    second = create_post(topic, by=topic.owner, title="Atelier CV à Pau")
    return newsletter_issues.compose_issue(
        topic,
        by=topic.owner,
        subject=subject,
        introduction="Bonjour à toutes et à tous,\n\nvoici *les nouvelles* du mois.",
        post_ids=[second.pk, first.pk],
    )


def confirm_path(received: Any) -> str:
    [link] = received.links("/newsletter/confirm/")
    return urlsplit(link).path


def test_subscribing_on_the_topic_page_takes_the_link_mailed_to_confirm(
    client: Client, smtp: MailServer, topic: Any
) -> None:
    page = client.get(topic.get_absolute_url()).content.decode()
    assert f'action="/topic/{topic.slug}/newsletter/subscribe/"' in page

    response = client.post(
        f"/topic/{topic.slug}/newsletter/subscribe/", {"email": " Ana@Example.NET "}
    )

    assert response.status_code == 302 and response["Location"].endswith("#newsletter")
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.status) == ("ana@example.net", "pending")
    [received] = smtp.to("ana@example.net")
    assert received.message.get_content_type() == "multipart/alternative"
    assert topic.title in received.subject
    path = confirm_path(received)
    assert client.get(path).status_code == 200  # a scanner's GET does not confirm
    subscriber.refresh_from_db()
    assert subscriber.status == "pending"

    assert client.post(path).status_code == 200

    subscriber.refresh_from_db()
    assert subscriber.status == "active" and subscriber.consent_at is not None
    client.post(f"/topic/{topic.slug}/newsletter/subscribe/", {"email": "ana@example.net"})
    assert len(smtp.to("ana@example.net")) == 1  # already subscribed: no second mail


def test_a_tampered_or_expired_confirmation_link_confirms_nothing(
    client: Client, smtp: MailServer, topic: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    newsletter_subscriptions.subscribe(topic, "bob@example.net", language="fr")
    path = confirm_path(smtp.to("bob@example.net")[0])

    assert client.post(path[:-3] + "xx/").status_code == 400
    monkeypatch.setattr(mail, "CONFIRM_MAX_AGE", -1)
    assert client.post(path).status_code == 400
    assert Subscriber.objects.get().status == "pending"


def test_the_confirmation_mail_speaks_the_subscribers_language(
    client: Client, smtp: MailServer, topic: Any
) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.post(f"/topic/{topic.slug}/newsletter/subscribe/", {"email": "kim@example.net"})

    [received] = smtp.to("kim@example.net")
    assert received.message["Content-Language"] == "en"
    assert received.subject.startswith("Confirm your subscription")
    assert Subscriber.objects.get().language == "en"


def test_the_embeddable_form_may_be_framed_by_any_site_and_subscribes(
    smtp: MailServer, topic: Any
) -> None:
    browser = Client(enforce_csrf_checks=True)  # a third-party page sends no CSRF cookie
    url = f"/topic/{topic.slug}/newsletter/embed/"

    page = browser.get(url + "?lang=en")

    assert page.status_code == 200
    assert "X-Frame-Options" not in page.headers
    assert "frame-ancestors *" in page["Content-Security-Policy"]
    assert '<html lang="en">' in page.content.decode()
    topic_page = browser.get(topic.get_absolute_url())
    assert topic_page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in topic_page["Content-Security-Policy"]

    done = browser.post(url + "?lang=en", {"email": "lou@example.net"})

    assert done.status_code == 200 and "frame-ancestors *" in done["Content-Security-Policy"]
    assert "Almost done" in done.content.decode()
    assert Subscriber.objects.get().source == Subscriber.Source.EMBED
    assert len(smtp.to("lou@example.net")) == 1


def test_subscription_requests_are_rate_limited(
    client: Client, smtp: MailServer, topic: Any
) -> None:
    for n in range(25):
        client.post(f"/topic/{topic.slug}/newsletter/subscribe/", {"email": f"s{n}@example.net"})
    assert Subscriber.objects.count() == 20


def test_a_newsletter_reaches_its_50_recipients_once_each_over_one_connection(
    smtp: MailServer, base_url: str, topic: Any
) -> None:
    make_subscribers(topic, 49)
    english = Subscriber.objects.create(
        topic=topic,
        email="english@example.net",
        language="en",
        status="active",
        source="import",
        consent_at=timezone.now(),
    )
    Subscriber.objects.create(
        topic=topic, email="gone@example.net", status="unsubscribed", source="form"
    )
    Subscriber.objects.create(
        topic=topic, email="wait@example.net", status="pending", source="form"
    )
    issue = compose(topic)
    newsletter_issues.schedule_issue(issue, by=topic.owner)

    newsletter_issues.send_due_issues()

    received = smtp.messages
    recipients = Counter(address for m in received for address in m.recipients)
    assert len(recipients) == 50 and set(recipients.values()) == {1}
    assert "gone@example.net" not in recipients and "wait@example.net" not in recipients
    assert smtp.handler.sessions == 1
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT and issue.sent_at is not None
    assert Delivery.objects.filter(issue=issue, status=SendStatus.SENT).count() == 50
    first = received[0]
    assert first.subject == "La lettre de mars"
    assert first.message.get_content_type() == "multipart/alternative"
    assert "<strong>forum</strong>" in first.html and "les nouvelles" in first.text
    assert first.text.index("Atelier CV") < first.text.index("Forum emploi")
    assert first.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    tokens = {m.message["List-Unsubscribe"].strip() for m in received}
    assert len(tokens) == 50  # each reader their own link
    [to_english] = smtp.to(english.email)
    assert to_english.message["Content-Language"] == "en"
    assert "Unsubscribe" in to_english.text
    newsletter_issues.send_due_issues()
    assert len(smtp.messages) == 50


def test_a_send_refused_half_way_resumes_without_sending_anyone_twice(
    smtp: MailServer, base_url: str, topic: Any
) -> None:
    make_subscribers(topic, 50)
    issue = compose(topic)
    newsletter_issues.schedule_issue(issue, by=topic.owner)
    smtp.handler.fail_after = 20  # then "451 try again later"

    first = newsletter_issues.send_issue(issue.pk)

    assert (first.sent, first.finished) == (20, False)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENDING and issue.retry_at is not None
    assert newsletter_issues.send_due_issues() == 0  # paused until retry_at
    smtp.handler.fail_after = None

    newsletter_issues.send_due_issues(now=timezone.now() + timedelta(minutes=5))

    recipients = Counter(address for m in smtp.messages for address in m.recipients)
    assert len(recipients) == 50 and set(recipients.values()) == {1}
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT


def test_only_the_message_in_flight_when_a_worker_dies_can_go_twice(
    smtp: MailServer, base_url: str, topic: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_subscribers(topic, 50)
    issue = compose(topic)
    newsletter_issues.schedule_issue(issue, by=topic.owner)
    real_send = mail.send
    calls = 0

    def dies_after_the_11th(connection: Any, message: Any) -> Any:
        nonlocal calls
        calls += 1
        result = real_send(connection, message)
        if calls == 11:
            raise KeyboardInterrupt  # accepted by the server, not yet marked sent
        return result

    with monkeypatch.context() as patch:
        patch.setattr(mail, "send", dies_after_the_11th)
        with pytest.raises(KeyboardInterrupt):
            newsletter_issues.send_issue(issue.pk)
    assert len(smtp.messages) == 11
    assert (
        newsletter_issues.send_issue(issue.pk).sent == 0
    )  # the claims are still the dead worker's

    newsletter_issues.send_issue(
        issue.pk, now=timezone.now() + newsletter_issues.LEASE + timedelta(minutes=1)
    )

    recipients = Counter(address for m in smtp.messages for address in m.recipients)
    assert len(recipients) == 50
    assert sorted(recipients.values()) == [1] * 49 + [2]  # the documented window


def test_a_refused_address_is_recorded_as_bounced_and_dropped(
    client: Client, smtp: MailServer, base_url: str, topic: Any
) -> None:
    make_subscribers(topic, 5)
    smtp.handler.unknown = {"reader0003@example.net"}
    issue = compose(topic)
    newsletter_issues.schedule_issue(issue, by=topic.owner)

    report = newsletter_issues.send_issue(issue.pk)

    assert (report.sent, report.bounced, report.finished) == (4, 1, True)
    bounced = Delivery.objects.get(email="reader0003@example.net")
    assert bounced.status == SendStatus.BOUNCED and bounced.error.startswith("550")
    assert Subscriber.objects.get(email="reader0003@example.net").status == "bounced"
    client.force_login(topic.owner)
    page = client.get(f"/topic/{topic.slug}/newsletter/issues/{issue.pk}/").content.decode()
    assert "reader0003@example.net" in page and "550 5.1.1" in page


def test_a_bounce_reported_later_stops_the_address(smtp: MailServer, topic: Any) -> None:
    make_subscribers(topic, 2)
    issue = compose(topic)
    newsletter_issues.schedule_issue(issue, by=topic.owner)
    newsletter_issues.send_issue(issue.pk)

    assert (
        newsletter_subscriptions.record_bounce("Reader0001@example.net", reason="550 mailbox full")
        == 1
    )

    assert Delivery.objects.get(email="reader0001@example.net").status == SendStatus.BOUNCED
    assert Subscriber.objects.get(email="reader0001@example.net").status == "bounced"


def test_one_click_unsubscribe_from_an_issue(smtp: MailServer, base_url: str, topic: Any) -> None:
    make_subscribers(topic, 3)
    issue = compose(topic)
    newsletter_issues.schedule_issue(issue, by=topic.owner)
    newsletter_issues.send_issue(issue.pk)
    [received] = smtp.to("reader0001@example.net")
    path = urlsplit(received.message["List-Unsubscribe"].strip().strip("<>")).path

    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert Subscriber.objects.get(email="reader0001@example.net").status == "unsubscribed"
    smtp.clear()
    second = compose(topic, subject="La lettre d'avril")
    newsletter_issues.schedule_issue(second, by=topic.owner)
    newsletter_issues.send_issue(second.pk)
    assert sorted(a for m in smtp.messages for a in m.recipients) == [
        "reader0000@example.net",
        "reader0002@example.net",
    ]


def test_an_issue_set_for_later_waits_for_its_time(smtp: MailServer, topic: Any) -> None:
    make_subscribers(topic, 2)
    issue = compose(topic)
    later = timezone.now() + timedelta(hours=2)
    newsletter_issues.schedule_issue(issue, by=topic.owner, at=later)

    assert newsletter_issues.send_due_issues() == 0
    assert newsletter_issues.send_due_issues(now=later + timedelta(seconds=1)) == 1
    assert len(smtp.messages) == 2


def upload(content: str, name: str = "recipients.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv")


def test_a_csv_import_names_the_line_of_each_error_and_imports_nothing(
    client: Client, topic: Any
) -> None:
    content = (
        "email,name,consent\n"
        "ok@example.net,Ok,yes\n"
        "refus@example.net,Sans accord,no\n"
        "not-an-address,Faux,yes\n"
        '"multi@example.net","Nom sur\ndeux lignes",yes\n'
        "ok@example.net,Encore,yes\n"
    )
    client.force_login(topic.owner)

    response = client.post(f"/topic/{topic.slug}/newsletter/import/", {"file": upload(content)})

    assert response.status_code == 422
    with pytest.raises(newsletter_subscriptions.RecipientImportFailed) as failure:
        newsletter_subscriptions.import_csv(topic, content, by=topic.owner)
    errors = failure.value.errors
    assert [e.line for e in errors] == [3, 4, 7]  # the quoted name spans lines 5 and 6
    assert "refus@example.net" in errors[0].reason and "not-an-address" in errors[1].reason
    assert "ok@example.net" in errors[2].reason and "2" in errors[2].reason
    [listed] = re.findall(r'<ul class="import-errors">(.*?)</ul>', response.content.decode(), re.S)
    items = re.findall(r"<li>(.*?)</li>", listed, re.S)
    assert len(items) == 3 and all(str(n) in item for n, item in zip((3, 4, 7), items, strict=True))
    assert not Subscriber.objects.exists()


def test_a_csv_import_with_consent_adds_active_recipients_and_keeps_leavers_out(
    client: Client, topic: Any
) -> None:
    Subscriber.objects.create(
        topic=topic, email="left@example.net", status="unsubscribed", source="form"
    )
    Subscriber.objects.create(
        topic=topic, email="waiting@example.net", status="pending", source="form"
    )
    content = (
        "\ufeffEmail;Name;Language;Consent;Consent_at\n"
        "new@example.net;Nouvelle;en;oui;2025-06-01\n"
        "left@example.net;Partie;fr;oui;\n"
        "waiting@example.net;En attente;;yes;\n"
    )
    client.force_login(topic.owner)

    response = client.post(f"/topic/{topic.slug}/newsletter/import/", {"file": upload(content)})

    assert response.status_code == 302
    new = Subscriber.objects.get(email="new@example.net")
    assert (new.status, new.language, new.source) == ("active", "en", "import")
    assert new.consent_at is not None and new.consent_at.year == 2025
    assert Subscriber.objects.get(email="left@example.net").status == "unsubscribed"
    assert Subscriber.objects.get(email="waiting@example.net").status == "active"


def test_the_csv_export_reimports_as_it_was(client: Client, topic: Any) -> None:
    make_subscribers(topic, 3)
    Subscriber.objects.create(
        topic=topic,
        email="=cmd@example.net",
        name="=HYPERLINK()",
        status="active",
        source="form",
        consent_at=timezone.now(),
    )
    client.force_login(topic.owner)

    response = client.get(f"/topic/{topic.slug}/newsletter/recipients.csv")

    assert response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    rows = list(csv.DictReader(io.StringIO(content)))
    assert len(rows) == 4 and {r["consent"] for r in rows} == {"yes"}
    assert rows[0]["name"] == "'=HYPERLINK()"  # no formula reaches a spreadsheet
    other = make_topic(topic.owner)
    clean = content.replace("'=cmd@", "cmd@")
    report = newsletter_subscriptions.import_csv(other, clean, by=topic.owner)
    assert report.created == 4


@pytest.mark.parametrize(
    ("role", "status"), [(None, 403), (Membership.Role.CONTRIBUTOR, 403), ("editor", 200)]
)
def test_the_recipient_list_is_for_the_owner_and_editors(
    client: Client, topic: Any, role: str | None, status: int
) -> None:
    user = make_user()
    if role:
        add_member(topic, user, role)
    client.force_login(user)
    for path in ("manage/", "recipients.csv", "compose/"):
        assert client.get(f"/topic/{topic.slug}/newsletter/{path}").status_code == status


def test_the_recipient_list_needs_a_log_in(client: Client, topic: Any) -> None:
    response = client.get(f"/topic/{topic.slug}/newsletter/manage/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_curator_composes_and_sends_an_issue_that_the_archive_then_shows(
    client: Client, smtp: MailServer, base_url: str, topic: Any
) -> None:
    make_subscribers(topic, 2)
    chosen = create_post(topic, by=topic.owner, title="Choisi")
    create_post(topic, by=topic.owner, title="Pas choisi")
    client.force_login(topic.owner)
    assert "Choisi" in client.get(f"/topic/{topic.slug}/newsletter/compose/").content.decode()

    response = client.post(
        f"/topic/{topic.slug}/newsletter/compose/",
        {
            "subject": "Numéro 1",
            "introduction": "Bonne *lecture*",
            "posts": [chosen.pk],
            "action": "send",
        },
    )

    assert response.status_code == 302
    issue = Issue.objects.get()
    assert issue.status == Issue.Status.SCHEDULED
    newsletter_issues.send_due_issues()
    assert len(smtp.messages) == 2
    client.logout()
    archive = client.get(f"/topic/{topic.slug}/newsletter/").content.decode()
    assert "Numéro 1" in archive
    page = client.get(f"/topic/{topic.slug}/newsletter/{issue.pk}/").content.decode()
    assert "<em>lecture</em>" in page and "Choisi" in page and "Pas choisi" not in page


def test_drafts_are_not_in_the_public_archive(client: Client, topic: Any) -> None:
    issue = compose(topic, subject="Brouillon secret")
    assert "Brouillon secret" not in client.get(f"/topic/{topic.slug}/newsletter/").content.decode()
    assert client.get(f"/topic/{topic.slug}/newsletter/{issue.pk}/").status_code == 404


def count_queries(client: Client, path: str) -> int:
    client.get(path)  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_recipient_list_costs_the_same_queries_for_20_and_200_rows(
    client: Client, topic: Any
) -> None:
    client.force_login(topic.owner)
    path = f"/topic/{topic.slug}/newsletter/manage/"
    make_subscribers(topic, 20)
    make_sent_issues(topic, 3)
    small = count_queries(client, path)
    Subscriber.objects.all().delete()
    make_subscribers(topic, 200)
    make_sent_issues(topic, 30)
    assert count_queries(client, path) == small


def test_the_archive_costs_the_same_queries_for_20_and_200_issues(
    client: Client, topic: Any
) -> None:
    path = f"/topic/{topic.slug}/newsletter/"
    make_sent_issues(topic, 20)
    small = count_queries(client, path)
    make_sent_issues(topic, 180)
    assert count_queries(client, path) == small
    issue = compose(topic)
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENT, sent_at=timezone.now())
    assert count_queries(client, f"/topic/{topic.slug}/newsletter/{issue.pk}/") <= 8


def test_a_reader_sees_the_newsletters_of_their_confirmed_address(
    client: Client, topic: Any
) -> None:
    reader = make_reader("mia")
    Subscriber.objects.create(topic=topic, email=reader.email, status="active", source="form")
    client.force_login(reader)
    html = client.get("/settings/subscriptions/").content.decode()
    assert topic.title.replace("'", "&#x27;") in html and "/mail/unsubscribe/" in html


@pytest.mark.django_db(transaction=True)
def test_several_connections_at_once_still_send_everyone_the_issue_once(
    smtp: MailServer, base_url: str, topic: Any, settings: Any
) -> None:
    settings.GLANEUR_MAIL_CONNECTIONS = 3
    settings.GLANEUR_MAIL_BATCH = 20
    make_subscribers(topic, 50)
    issue = compose(topic)
    newsletter_issues.schedule_issue(issue, by=topic.owner)
    smtp.handler.fail_after = 25

    first = newsletter_issues.send_issue(issue.pk)

    assert first.sent == 25 and not first.finished
    smtp.handler.fail_after = None
    newsletter_issues.send_due_issues(now=timezone.now() + timedelta(minutes=5))
    recipients = Counter(address for m in smtp.messages for address in m.recipients)
    assert len(recipients) == 50 and set(recipients.values()) == {1}
    assert smtp.handler.sessions > 3  # batches of 20 over 3 connections each
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT


def test_the_worker_scheduler_hands_due_sends_to_the_task_queue(topic: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    from glaneur.runtime.jobs import jobs
    from glaneur.runtime.scheduler import run_due

    assert {"audience-digests", "audience-newsletters"} <= {job.name for job in jobs()}
    issue = compose(topic)
    newsletter_issues.schedule_issue(issue, by=topic.owner)

    ran = run_due(owner="test")

    assert "audience-newsletters" in ran
    queued = DBTaskResult.objects.filter(task_path="glaneur.audience.tasks.send_issue")
    assert [row.args_kwargs["args"] for row in queued] == [[issue.pk]]
