"""Topic newsletters, the subscriber side: double opt-in, unsubscribe, and the curators'
recipient list with its CSV export and import."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from glaneur.curation.models import Topic
from glaneur.curation.services import check_can_manage

from . import mail
from .models import Delivery, Language, SendStatus, Subscriber

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

logger = logging.getLogger(__name__)

# A second subscription request within this delay sends no second confirmation e-mail.
RESEND_CONFIRMATION_AFTER = timedelta(minutes=10)


def normalise_email(raw: str) -> str:
    email = raw.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    return email


def subscribe(
    topic: Topic,
    email: str,
    *,
    language: str,
    source: str = Subscriber.Source.FORM,
    name: str = "",
    absolute: Callable[[str], str] = mail.absolute_url,
) -> Subscriber:
    """Record a subscription waiting for confirmation and mail the confirmation link.

    Whatever the address's state, the caller shows the same answer ("check your inbox"),
    so the form tells nobody who is subscribed; an active subscriber gets no mail.
    """
    email = normalise_email(email)
    now = timezone.now()
    with transaction.atomic():
        subscriber, created = Subscriber.objects.select_for_update().get_or_create(
            topic=topic,
            email=email,
            defaults={"language": language, "source": source, "name": name[:200]},
        )
        if subscriber.status == Subscriber.Status.ACTIVE:
            return subscriber
        recent = subscriber.confirmation_sent_at is not None and (
            now - subscriber.confirmation_sent_at < RESEND_CONFIRMATION_AFTER
        )
        if not created and recent:
            return subscriber
        subscriber.status = Subscriber.Status.PENDING
        subscriber.language = language
        subscriber.source = source
        subscriber.name = name[:200] or subscriber.name
        subscriber.confirmation_sent_at = now
        subscriber.save()
    try:
        send_confirmation(subscriber, absolute=absolute)
    except OSError as exc:
        logger.warning("confirmation to %s not sent: %s", email, exc)
        Subscriber.objects.filter(pk=subscriber.pk).update(confirmation_sent_at=None)
        raise ValidationError(
            _("The confirmation e-mail could not be sent; please try again later.")
        ) from exc
    return subscriber


def send_confirmation(
    subscriber: Subscriber, *, absolute: Callable[[str], str] = mail.absolute_url
) -> None:
    topic = subscriber.topic
    token = mail.confirm_token(subscriber.pk, subscriber.email)
    context = {
        "topic": topic,
        "topic_url": absolute(topic.get_absolute_url()),
        "confirm_url": absolute(reverse("audience:confirm", args=[topic.slug, token])),
        "days": mail.CONFIRM_MAX_AGE // 86400,
    }
    rendered = mail.render("audience/email/confirm", context, language=subscriber.language)
    mail.build_message(rendered, subscriber.email, language=subscriber.language).send()


def confirm(token: str) -> Subscriber | None:
    """The double opt-in's second step; None when the link is invalid or expired."""
    parsed = mail.read_confirm_token(token)
    if parsed is None:
        return None
    pk, email = parsed
    subscriber = Subscriber.objects.select_related("topic").filter(pk=pk, email=email).first()
    if subscriber is None:
        return None
    if subscriber.status == Subscriber.Status.PENDING:
        subscriber.status = Subscriber.Status.ACTIVE
        subscriber.consent_at = timezone.now()
        subscriber.unsubscribed_at = None
        subscriber.save(update_fields=["status", "consent_at", "unsubscribed_at"])
    return subscriber


def unsubscribe(subscriber_id: int) -> Subscriber | None:
    """Stop a subscription (the one-click link); issues being sent skip the address."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_related("topic").filter(pk=subscriber_id).first()
        if subscriber is None:
            return None
        if subscriber.status != Subscriber.Status.UNSUBSCRIBED:
            subscriber.status = Subscriber.Status.UNSUBSCRIBED
            subscriber.unsubscribed_at = timezone.now()
            subscriber.save(update_fields=["status", "unsubscribed_at"])
        Delivery.objects.filter(subscriber=subscriber, status=SendStatus.PENDING).update(
            status=SendStatus.FAILED, error="unsubscribed before sending"
        )
    return subscriber


def record_bounce(email: str, *, reason: str) -> int:
    """A bounce reported after the fact (a DSN, a provider's webhook): the address gets no
    more issues, and its last delivery says why. Returns the subscriptions stopped."""
    email = email.strip().lower()
    stopped = Subscriber.objects.filter(email=email).exclude(status=Subscriber.Status.UNSUBSCRIBED)
    for subscriber in stopped:
        last = subscriber.deliveries.filter(status=SendStatus.SENT).order_by("-sent_at").first()
        if last is not None:
            Delivery.objects.filter(pk=last.pk).update(
                status=SendStatus.BOUNCED, error=reason[:1000]
            )
    return stopped.update(status=Subscriber.Status.BOUNCED)


# The curators' side.

CSV_COLUMNS = [
    "email",
    "name",
    "language",
    "status",
    "consent",
    "consent_at",
    "source",
    "subscribed_at",
    "unsubscribed_at",
]
YES = {"yes", "y", "true", "1", "oui", "o", "x"}
NO = {"no", "n", "false", "0", "non", ""}


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet must never take a name for a formula.
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def _when(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else ""


def export_rows(topic: Topic, *, by: User | AnonymousUser) -> Iterator[list[str]]:
    """The recipient list as CSV rows, header first, streamed from the database."""
    check_can_manage(by, topic)
    yield CSV_COLUMNS
    rows = Subscriber.objects.filter(topic=topic).order_by("email").iterator(chunk_size=2000)
    for s in rows:
        consent = "yes" if s.status == Subscriber.Status.ACTIVE and s.consent_at else "no"
        yield [
            _cell(s.email),
            _cell(s.name),
            s.language,
            s.status,
            consent,
            _when(s.consent_at),
            s.source,
            _when(s.created_at),
            _when(s.unsubscribed_at),
        ]


def export_csv(topic: Topic, *, by: User | AnonymousUser) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in export_rows(topic, by=by):
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


@dataclass(frozen=True)
class LineError:
    line: int
    reason: str

    def __str__(self) -> str:
        return _("line %(line)d: %(reason)s") % {"line": self.line, "reason": self.reason}


class RecipientImportFailed(ValidationError):
    """Nothing was imported; each error names its line in the file."""

    def __init__(self, errors: list[LineError]) -> None:
        self.errors = errors
        super().__init__([str(error) for error in errors])


@dataclass
class RecipientImport:
    created: int = 0
    updated: int = 0
    skipped: list[str] = field(default_factory=list)  # addresses that left: kept out


@dataclass(frozen=True)
class _Row:
    line: int
    email: str
    name: str
    language: str
    consent_at: datetime | None


MAX_IMPORT_ERRORS = 50


def _language(raw: str) -> str | None:
    value = raw.strip().lower()
    if not value:
        return Language.FR
    aliases = {"français": "fr", "francais": "fr", "french": "fr", "anglais": "en", "english": "en"}
    value = aliases.get(value, value.split("-")[0])
    return value if value in Language.values else None


def _consent_date(raw: str) -> datetime | None:
    """A datetime, or None when empty; ValueError when unreadable."""
    raw = raw.strip()
    if not raw:
        return None
    when = parse_datetime(raw)
    if when is None and (day := parse_date(raw)) is not None:
        when = datetime(day.year, day.month, day.day)
    if when is None:
        raise ValueError(raw)
    return when if timezone.is_aware(when) else timezone.make_aware(when)


def _check(cells: dict[str, str], line: int, seen: dict[str, int]) -> _Row | str:
    """One data row, or the reason it is refused."""
    email = cells.get("email", "").lower()
    try:
        validate_email(email)
    except ValidationError:
        return _("“%(email)s” is not a valid e-mail address") % {"email": email[:100]}
    consent = cells.get("consent", "").lower()
    if consent in NO:
        return _("no consent for %(email)s: this address cannot be imported") % {"email": email}
    if consent not in YES:
        return _("the consent column must say yes or no, not “%(value)s”") % {"value": consent[:20]}
    language = _language(cells.get("language", ""))
    if language is None:
        return _("unknown language “%(value)s” (fr or en)") % {
            "value": cells.get("language", "")[:20]
        }
    try:
        consent_at = _consent_date(cells.get("consent_at", ""))
    except ValueError:
        return _("unreadable consent date “%(value)s”") % {
            "value": cells.get("consent_at", "")[:40]
        }
    if email in seen:
        return _("%(email)s is already on line %(line)d") % {"email": email, "line": seen[email]}
    seen[email] = line
    return _Row(line, email, cells.get("name", "")[:200], language, consent_at)


def _parse(content: str) -> list[_Row]:
    content = content.removeprefix("\ufeff")
    first = content.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(content), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except (StopIteration, csv.Error):
        raise RecipientImportFailed([LineError(1, _("the file is empty"))]) from None
    missing = [name for name in ("email", "consent") if name not in header]
    if missing:
        raise RecipientImportFailed(
            [LineError(1, _("missing column(s): %(names)s") % {"names": ", ".join(missing)})]
        )
    errors: list[LineError] = []
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    line = reader.line_num
    try:
        for record in reader:
            # A quoted cell may span lines: a record starts on the line after the last one.
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            cells = {name: value.strip() for name, value in zip(header, record, strict=False)}
            checked = _check(cells, start, seen)
            if isinstance(checked, str):
                errors.append(LineError(start, checked))
                if len(errors) >= MAX_IMPORT_ERRORS:
                    break
            else:
                rows.append(checked)
    except csv.Error as exc:
        errors.append(LineError(line + 1, str(exc)))
    if errors:
        raise RecipientImportFailed(errors)
    return rows


def import_csv(topic: Topic, content: str, *, by: User | AnonymousUser) -> RecipientImport:
    """Add recipients from a CSV file with a consent column; all rows or none.

    Rows need ``email`` and ``consent`` (yes/no); ``name``, ``language`` (fr/en) and
    ``consent_at`` are optional. Consent given elsewhere makes the address active at
    once; an address that unsubscribed or bounced stays out.
    """
    check_can_manage(by, topic)
    rows = _parse(content)
    report = RecipientImport()
    now = timezone.now()
    with transaction.atomic():
        existing: dict[str, Subscriber] = {}
        emails = [row.email for row in rows]
        for start in range(0, len(emails), 500):
            for s in Subscriber.objects.filter(topic=topic, email__in=emails[start : start + 500]):
                existing[s.email] = s
        new = []
        for row in rows:
            current = existing.get(row.email)
            if current is None:
                new.append(
                    Subscriber(
                        topic=topic,
                        email=row.email,
                        name=row.name,
                        language=row.language,
                        status=Subscriber.Status.ACTIVE,
                        source=Subscriber.Source.IMPORT,
                        consent_at=row.consent_at or now,
                        created_at=now,
                    )
                )
            elif current.status in (Subscriber.Status.UNSUBSCRIBED, Subscriber.Status.BOUNCED):
                report.skipped.append(row.email)
            else:
                current.name = row.name or current.name
                current.language = row.language
                if current.status == Subscriber.Status.PENDING:
                    current.status = Subscriber.Status.ACTIVE
                    current.consent_at = row.consent_at or now
                current.save(update_fields=["name", "language", "status", "consent_at"])
                report.updated += 1
        Subscriber.objects.bulk_create(new, batch_size=500)
        report.created = len(new)
    return report
