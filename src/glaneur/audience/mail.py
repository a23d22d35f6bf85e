"""Outgoing mail: multipart rendering in the recipient's language, signed links, and the
SMTP outcome of one message sorted into sent, bounced, failed or to retry."""

from __future__ import annotations

import enum
import logging
import smtplib
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, TypeVar

from django import db
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.utils import translation

UNSUBSCRIBE_SALT = "glaneur.audience.unsubscribe"
CONFIRM_SALT = "glaneur.audience.newsletter-confirm"
CONFIRM_MAX_AGE = 7 * 24 * 3600

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    """A link for mail sent outside a request (the worker): GLANEUR_BASE_URL + path."""
    return f"{settings.GLANEUR_BASE_URL}{path}"


def supported_language(code: str | None) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    code = (code or "").split("-")[0].lower()
    return code if code in codes else settings.LANGUAGE_CODE


# Signed tokens. Unsubscribe links never expire (RFC 8058 clients may POST them months
# later); confirmation links do.


def unsubscribe_token(kind: str, pk: int) -> str:
    return signing.dumps([kind, pk], salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[str, int] | None:
    try:
        kind, pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if kind not in {"digest", "newsletter"} or not isinstance(pk, int):
        return None
    return kind, pk


def confirm_token(subscriber_id: int, email: str) -> str:
    return signing.dumps([subscriber_id, email], salt=CONFIRM_SALT)


def read_confirm_token(token: str) -> tuple[int, str] | None:
    try:
        pk, email = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return (pk, email) if isinstance(pk, int) and isinstance(email, str) else None


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(template: str, context: Mapping[str, Any], *, language: str) -> Rendered:
    """``<template>_subject.txt``, ``<template>.txt`` and ``<template>.html``, in a language."""
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", dict(context))
        text = render_to_string(f"{template}.txt", dict(context))
        html = render_to_string(f"{template}.html", dict(context))
    return Rendered(" ".join(subject.split()), text.strip() + "\n", html)


def build_message(
    rendered: Rendered, to: str, *, language: str, headers: Mapping[str, str] | None = None
) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        rendered.subject,
        rendered.text,
        settings.DEFAULT_FROM_EMAIL,
        [to],
        headers={"Content-Language": language, **(headers or {})},
    )
    message.attach_alternative(rendered.html, "text/html")
    return message


def list_headers(unsubscribe_url: str, *, list_id: str = "") -> dict[str, str]:
    """RFC 2369 / RFC 8058 headers: mail clients show an unsubscribe button that POSTs."""
    headers = {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    if list_id:
        headers["List-Id"] = list_id
    return headers


class Outcome(enum.Enum):
    SENT = "sent"
    BOUNCED = "bounced"  # the server refused the recipient for good (5xx at RCPT)
    FAILED = "failed"  # the server refused the message for good (5xx)
    RETRY = "retry"  # temporary refusal (4xx): try again later
    BROKEN = "broken"  # the connection is gone: stop this batch


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    error: str = ""


def _reply(code: int, text: bytes | str) -> str:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {text}"[:1000]


def send(connection: BaseEmailBackend, message: EmailMultiAlternatives) -> Result:
    """Hand one message to the open connection and say what became of it."""
    try:
        sent = connection.send_messages([message])
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()))
        permanent = Outcome.BOUNCED if code >= 500 else Outcome.RETRY
        return Result(permanent, _reply(code, text))
    except smtplib.SMTPServerDisconnected as exc:
        return Result(Outcome.BROKEN, str(exc)[:1000] or "disconnected")
    except smtplib.SMTPResponseException as exc:
        permanent = Outcome.FAILED if exc.smtp_code >= 500 else Outcome.RETRY
        return Result(permanent, _reply(exc.smtp_code, exc.smtp_error))
    except (smtplib.SMTPException, OSError) as exc:
        return Result(Outcome.BROKEN, f"{type(exc).__name__}: {exc}"[:1000])
    if not sent:
        return Result(Outcome.BROKEN, "the mail back end sent nothing")
    return Result(Outcome.SENT)


@contextmanager
def connection() -> Iterator[BaseEmailBackend]:
    """One connection for a batch of messages (EMAIL_BACKEND, usually SMTP)."""
    backend = get_connection(fail_silently=False)
    backend.open()
    try:
        yield backend
    finally:
        with suppress(OSError):  # smtplib.SMTPException is an OSError
            backend.close()


# A batch stops after this many temporary refusals in a row: the server is struggling,
# and what is left waits for the next run instead of being refused one by one.
MAX_RETRIES_IN_A_ROW = 3
# A message refused temporarily this many times is recorded as failed.
MAX_ATTEMPTS = 5

Item = TypeVar("Item")


@dataclass
class Batch:
    outcomes: dict[int, Outcome]  # index in the batch -> outcome, for the items handled
    stopped: bool  # stopped early: unreachable server, or refusals in a row


def deliver_batch(
    items: Sequence[Item],
    send_one: Callable[[BaseEmailBackend, Item], Outcome],
    *,
    connections: int = 1,
) -> Batch:
    """Hand a batch of messages to the mail server over ``connections`` connections at
    once (GLANEUR_MAIL_CONNECTIONS): with more than one, threads share the batch, and
    while one waits for the server's answer another builds its message. ``send_one``
    sends an item and records its outcome; an item left out of ``outcomes`` was never
    handed over."""
    outcomes: dict[int, Outcome] = {}
    stop = threading.Event()
    lock = threading.Lock()
    errors: list[BaseException] = []

    def work(indices: range, own_thread: bool) -> None:
        try:
            with connection() as backend:
                retries = 0
                for index in indices:
                    if stop.is_set():
                        return
                    outcome = send_one(backend, items[index])
                    with lock:
                        outcomes[index] = outcome
                    if outcome in (Outcome.RETRY, Outcome.BROKEN):
                        retries += 1
                        if outcome == Outcome.BROKEN or retries >= MAX_RETRIES_IN_A_ROW:
                            stop.set()
                            return
                    else:
                        retries = 0
        except OSError as exc:
            logger.warning("cannot reach the mail server: %s", exc)
            stop.set()
        except BaseException as exc:
            stop.set()
            if not own_thread:
                raise
            errors.append(exc)
        finally:
            if own_thread:
                db.connections.close_all()  # this thread's own connections only

    count = max(1, min(connections, len(items)))
    if count == 1:
        work(range(len(items)), own_thread=False)
    else:
        threads = [
            threading.Thread(target=work, args=(range(k, len(items), count), True))
            for k in range(count)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]
    return Batch(outcomes, stop.is_set())
