"""Bounces reported after the fact: delivery status notifications (RFC 3464) that the mail
server sends back, piped to `glaneur bounce --dsn` by the MTA (e.g. a Postfix alias
``bounces: "|glaneur bounce --dsn"``), or addresses given by hand.

Only permanent failures stop an address: ``Action: failed`` with a 5.x.x status. Delays and
temporary failures (4.x.x) are left to the next issue."""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from email.message import Message

from .newsletters import record_bounce


@dataclass(frozen=True)
class Bounce:
    email: str
    status: str
    reason: str


class NotADeliveryReport(ValueError):
    """The message holds no delivery status part."""


def _fields(block: str) -> dict[str, str]:
    """One block of ``Name: value`` lines (continuation lines folded in)."""
    fields: dict[str, str] = {}
    name = ""
    for line in block.splitlines():
        if line[:1] in (" ", "\t") and name:
            fields[name] += " " + line.strip()
        elif ":" in line:
            name, value = line.split(":", 1)
            name = name.strip().lower()
            fields[name] = value.strip()
    return fields


def _status_text(part: Message) -> str:
    payload = part.get_payload()
    if isinstance(payload, list):  # parsed as a list of header blocks by the email package
        return "\n\n".join(str(block) for block in payload)
    raw = part.get_payload(decode=True)
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(payload)


def parse_dsn(data: bytes) -> list[Bounce]:
    """The permanent failures a delivery status notification reports."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    reports = [
        part for part in message.walk() if part.get_content_type() == "message/delivery-status"
    ]
    if not reports:
        raise NotADeliveryReport("no message/delivery-status part")
    bounces: list[Bounce] = []
    for part in reports:
        blocks = [_fields(block) for block in _status_text(part).split("\n\n") if block.strip()]
        for fields in blocks:  # the per-message block has no recipient: skipped below
            recipient = fields.get("final-recipient") or fields.get("original-recipient", "")
            address = recipient.split(";", 1)[-1].strip().strip("<>")
            status = fields.get("status", "")
            if not address or fields.get("action", "").lower() != "failed":
                continue
            if not status.startswith("5"):
                continue
            reason = fields.get("diagnostic-code", "").split(";", 1)[-1].strip() or status
            bounces.append(Bounce(email=address.lower(), status=status, reason=reason))
    return bounces


def record_dsn(data: bytes) -> list[tuple[Bounce, int]]:
    """Stop every address a delivery report says failed for good; returns each bounce
    with the number of newsletter subscriptions it stopped."""
    bounces = parse_dsn(data)
    return [(bounce, record_bounce(bounce.email, reason=bounce.reason)) for bounce in bounces]
