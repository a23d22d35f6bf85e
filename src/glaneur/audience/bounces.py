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

from .newsletter_subscriptions import record_bounce


@dataclass(frozen=True)
class Bounce:
    email: str
    status: str
    reason: str


class NotADeliveryReport(ValueError):
    """The message holds no delivery status part."""


def _blocks(part: Message) -> list[Message]:
    """The header blocks of a message/delivery-status part (the email package parses the
    part into one Message per block: the message's, then one per recipient)."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]
    text = str(payload).replace("\r\n", "\n")
    return [email.message_from_string(block) for block in text.split("\n\n") if block.strip()]


def _field(block: Message, name: str) -> str:
    return " ".join(str(block.get(name, "")).split())  # folded lines unfolded


def parse_dsn(data: bytes) -> list[Bounce]:
    """The permanent failures a delivery status notification reports."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    reports = [
        part for part in message.walk() if part.get_content_type() == "message/delivery-status"
    ]
    if not reports:
        raise NotADeliveryReport("no message/delivery-status part")
    bounces: list[Bounce] = []
    for block in (block for part in reports for block in _blocks(part)):
        recipient = _field(block, "Final-Recipient") or _field(block, "Original-Recipient")
        address = recipient.split(";", 1)[-1].strip().strip("<>")
        status = _field(block, "Status")
        # The per-message block has no recipient; delays and 4.x.x failures are not bounces.
        if not address or _field(block, "Action").lower() != "failed":
            continue
        if not status.startswith("5"):
            continue
        reason = _field(block, "Diagnostic-Code").split(";", 1)[-1].strip() or status
        bounces.append(Bounce(email=address.lower(), status=status, reason=reason))
    return bounces


def record_dsn(data: bytes) -> list[tuple[Bounce, int]]:
    """Stop every address a delivery report says failed for good; returns each bounce
    with the number of newsletter subscriptions it stopped."""
    bounces = parse_dsn(data)
    return [(bounce, record_bounce(bounce.email, reason=bounce.reason)) for bounce in bounces]
