"""Bounces reported after the fact: `glaneur bounce` with addresses or a delivery status
notification (RFC 3464) piped by the mail server. Only permanent failures stop an address."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from glaneur.audience.bounces import NotADeliveryReport, parse_dsn
from glaneur.audience.models import Subscriber
from tests.audience.helpers import make_subscribers

pytestmark = pytest.mark.django_db

# What Postfix sends back: a multipart/report with a human part, the delivery status (one
# block for the message, one per recipient) and the returned headers.
DSN = b"""\
From: MAILER-DAEMON@mail.example.org (Mail Delivery System)
To: bounces@glaneur.example.org
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="B0UND"

--B0UND
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not be delivered.

--B0UND
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.example.org
Arrival-Date: Thu, 26 Nov 2026 07:00:03 +0100 (CET)

Final-Recipient: rfc822; Reader0001@example.net
Original-Recipient: rfc822;reader0001@example.net
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <reader0001@example.net>: Recipient address
    rejected: User unknown in virtual mailbox table

Final-Recipient: rfc822; reader0002@example.net
Action: delayed
Status: 4.4.1
Diagnostic-Code: X-Postfix; connect to mx.example.net: Connection timed out

--B0UND
Content-Type: text/rfc822-headers

Subject: La lettre de mars
--B0UND--
"""


def test_a_report_gives_its_permanent_failures_only() -> None:
    [bounce] = parse_dsn(DSN)
    assert bounce.email == "reader0001@example.net"
    assert bounce.status == "5.1.1"
    assert bounce.reason.startswith("550 5.1.1") and "User unknown" in bounce.reason


def test_a_message_that_is_no_report_is_refused() -> None:
    with pytest.raises(NotADeliveryReport):
        parse_dsn(b"Subject: hello\n\nJust a message.\n")


def test_the_command_reads_a_report_on_standard_input(
    topic: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_subscribers(topic, 3)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(DSN)))
    out = io.StringIO()
    call_command("bounce", "--dsn", stdout=out)
    assert "reader0001@example.net: 5.1.1" in out.getvalue()
    statuses = dict(Subscriber.objects.values_list("email", "status"))
    assert statuses == {
        "reader0000@example.net": "active",
        "reader0001@example.net": "bounced",
        "reader0002@example.net": "active",  # delayed, not failed
    }


def test_the_command_takes_addresses_by_hand(topic: Any) -> None:
    make_subscribers(topic, 2)
    out = io.StringIO()
    call_command("bounce", "READER0000@example.net", "--reason", "550 gone", stdout=out)
    assert "1 subscription(s) stopped" in out.getvalue()
    assert Subscriber.objects.get(email="reader0000@example.net").status == "bounced"
    with pytest.raises(CommandError):
        call_command("bounce")


def test_the_command_refuses_a_file_that_is_no_report(tmp_path: Any) -> None:
    path = tmp_path / "note.eml"
    path.write_bytes(b"Subject: hello\n\nJust a message.\n")
    with pytest.raises(CommandError, match="not a delivery status notification"):
        call_command("bounce", "--dsn", str(path))
