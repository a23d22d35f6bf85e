"""Follower digests: one message per follower listing the new posts of every followed
topic whose digest is due, each post once.

Windows are aligned on fixed instants (every day at GLANEUR_DIGEST_HOUR, weekly on
GLANEUR_DIGEST_WEEKDAY), so a reader's daily and weekly follows fall due together and
make one message. A follow's digest covers the posts curated in
``(digested_until, boundary]``; the claim transaction records the Digest row (with the
post ids) and moves ``digested_until`` to the boundary, then SMTP is spoken, then the row
is marked sent. A worker that dies after the claim leaves a row in SENDING that the next
run takes over once its lease has expired: the only message that can go out twice is the
one whose SMTP transaction had been accepted when the worker died, before it marked it.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from glaneur.curation.access import topic_visible_to_row_user
from glaneur.curation.models import Post
from glaneur.curation.services import publish_due_posts

from . import mail
from .digest_messages import Prepared, Recipient, Renderer, Section
from .models import Digest, DigestFrequency, Follow, SendStatus

if TYPE_CHECKING:
    from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger(__name__)

# Posts curated in the last minutes before a boundary are in that digest only once the
# run starts this much later: scheduled posts are published, pages fetched and titled.
SETTLE = timedelta(minutes=10)
# A claimed digest not marked sent after this long belongs to a dead worker.
LEASE = timedelta(minutes=15)
# A digest never reaches further back than this (a follow re-enabled after months).
MAX_WINDOW = timedelta(days=8)
POSTS_PER_TOPIC = 10
KEEP_RECORDS = timedelta(days=30)


@dataclass
class DigestReport:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    resumed: int = 0
    empty: int = 0


def boundaries(now: datetime) -> tuple[datetime, datetime]:
    """The latest daily and weekly send instants whose settling time has passed."""
    local = timezone.localtime(now - SETTLE)
    daily = local.replace(hour=settings.GLANEUR_DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if daily > local:
        daily -= timedelta(days=1)
    weekly = daily - timedelta(days=(daily.weekday() - settings.GLANEUR_DIGEST_WEEKDAY) % 7)
    return daily, weekly


def due_follows(now: datetime) -> Q:
    daily, weekly = boundaries(now)
    return Q(digest=DigestFrequency.DAILY, digested_until__lt=daily) | Q(
        digest=DigestFrequency.WEEKLY, digested_until__lt=weekly
    )


def verified_address() -> Exists:
    """The follower's primary address is verified: no digest to an unconfirmed address."""
    return Exists(
        EmailAddress.objects.filter(user_id=OuterRef("user_id"), primary=True, verified=True)
    )


def digests_due(*, now: datetime | None = None) -> bool:
    """Whether a run would have anything to do (the scheduler's cheap look)."""
    now = now or timezone.now()
    unfinished = Digest.objects.filter(
        Q(status=SendStatus.PENDING) | Q(status=SendStatus.SENDING, claimed_at__lt=now - LEASE)
    )
    return (
        unfinished.exists() or Follow.objects.filter(due_follows(now), verified_address()).exists()
    )


def send_due_digests(*, now: datetime | None = None) -> DigestReport:
    """Send every follower whose digest is due their one message; safe to run anywhere,
    any number of times, by any number of workers."""
    now = now or timezone.now()
    # Scheduled posts due before the boundary must be published before it is read.
    publish_due_posts(now)
    report = DigestReport()
    renderer = Renderer()
    _resume(now, renderer, report)
    last_user = 0
    while True:
        user_ids = list(
            Follow.objects.filter(due_follows(now), verified_address(), user_id__gt=last_user)
            .order_by("user_id")
            .values_list("user_id", flat=True)
            .distinct()[: settings.GLANEUR_MAIL_BATCH]
        )
        if not user_ids:
            break
        last_user = user_ids[-1]
        prepared = _claim(user_ids, now, report)
        if prepared and not _deliver(prepared, renderer, report):
            break  # the server is unreachable or struggling: the next run goes on
    Digest.objects.filter(
        status__in=[SendStatus.SENT, SendStatus.FAILED], created_at__lt=now - KEEP_RECORDS
    ).delete()
    if report.sent or report.failed or report.retried:
        logger.info("digests: %s", report)
    return report


def _claim(user_ids: Sequence[int], now: datetime, report: DigestReport) -> list[Prepared]:
    """Lock these followers, read their due follows and new posts, record one Digest each
    and move the follows' marks, all in one transaction."""
    daily, weekly = boundaries(now)
    user_model = get_user_model()
    with transaction.atomic():
        # Locking the users (SKIP LOCKED on PostgreSQL; SQLite's IMMEDIATE transaction
        # serialises) makes a reader's digest one worker's business.
        locked = list(
            user_model.objects.select_for_update(skip_locked=True)
            .filter(pk__in=user_ids)
            .values_list("pk", flat=True)
        )
        follows = list(
            Follow.objects.filter(due_follows(now), user_id__in=locked)
            .order_by("user_id", "topic__title", "topic_id")
            .only("pk", "user_id", "topic_id", "digest", "digested_until")
        )
        if not follows:
            return []
        upto = {f.pk: daily if f.digest == DigestFrequency.DAILY else weekly for f in follows}
        since = max(min(f.digested_until for f in follows), now - MAX_WINDOW)
        # A followed topic that turned private to the follower sends them nothing (its
        # mark moves on all the same).
        seen = _follows_visible([f.pk for f in follows])
        posts: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
        for pk, topic_id, curated_at in (
            Post.objects.filter(
                topic_id__in={f.topic_id for f in follows if f.pk in seen},
                status=Post.Status.PUBLISHED,
                curated_at__gt=since,
                curated_at__lte=daily,
            )
            .order_by("-curated_at", "-id")
            .values_list("pk", "topic_id", "curated_at")
        ):
            posts[topic_id].append((pk, curated_at))
        recipients = _recipients(locked)
        by_user: dict[int, list[Section]] = defaultdict(list)
        for f in follows:
            if f.pk not in seen:
                continue
            new = [
                pk for pk, at in posts.get(f.topic_id, ()) if f.digested_until < at <= upto[f.pk]
            ]
            if new:
                by_user[f.user_id].append(
                    Section(f.topic_id, new[:POSTS_PER_TOPIC], max(0, len(new) - POSTS_PER_TOPIC))
                )
        prepared = []
        for user_id in dict.fromkeys(f.user_id for f in follows):
            recipient = recipients.get(user_id)
            if recipient is None or not by_user.get(user_id):
                report.empty += 1
                continue
            sections = by_user[user_id]
            digest = Digest(
                user_id=user_id,
                email=recipient.email,
                sections=[[s.topic_id, s.post_ids, s.more] for s in sections],
                created_at=now,
                claimed_at=now,
                status=SendStatus.SENDING,
                attempts=1,
            )
            prepared.append(Prepared(digest, recipient, sections))
        Digest.objects.bulk_create([p.digest for p in prepared])
        for frequency, boundary in (
            (DigestFrequency.DAILY, daily),
            (DigestFrequency.WEEKLY, weekly),
        ):
            ids = [f.pk for f in follows if f.digest == frequency]
            if ids:
                Follow.objects.filter(pk__in=ids).update(digested_until=boundary)
    return prepared


def _follows_visible(follow_ids: Sequence[int]) -> set[int]:
    """The follows (of those given) whose follower may see the topic (access.py)."""
    return set(
        Follow.objects.filter(pk__in=follow_ids)
        .filter(topic_visible_to_row_user())
        .values_list("pk", flat=True)
    )


def _still_visible(digests: Sequence[Digest]) -> set[tuple[int, int]]:
    """The (reader, topic) pairs of these digests that the reader still follows and may
    still see, when a digest is sent later than it was made."""
    topic_ids = {section[0] for digest in digests for section in digest.sections}
    return set(
        Follow.objects.filter(user_id__in={d.user_id for d in digests}, topic_id__in=topic_ids)
        .filter(topic_visible_to_row_user())
        .values_list("user_id", "topic_id")
    )


def _recipients(user_ids: Iterable[int]) -> dict[int, Recipient]:
    user_ids = list(user_ids)
    emails = dict(
        EmailAddress.objects.filter(user_id__in=user_ids, primary=True, verified=True).values_list(
            "user_id", "email"
        )
    )
    rows = (
        get_user_model()
        .objects.filter(pk__in=emails)
        .values_list("pk", "first_name", "username", "profile__language")
    )
    return {
        pk: Recipient(pk, emails[pk], first or username, mail.supported_language(language))
        for pk, first, username, language in rows
    }


def _resume(now: datetime, renderer: Renderer, report: DigestReport) -> None:
    """Send the digests a previous run recorded but did not finish (left PENDING after a
    temporary refusal, or SENDING by a worker that died), taking each over first."""
    last = 0
    while True:
        rows = list(
            Digest.objects.filter(
                Q(status=SendStatus.PENDING)
                | Q(status=SendStatus.SENDING, claimed_at__lt=now - LEASE),
                pk__gt=last,
            )
            .order_by("pk")
            .values_list("pk", "status", "claimed_at")[: settings.GLANEUR_MAIL_BATCH]
        )
        if not rows:
            return
        last = rows[-1][0]
        taken = []
        for pk, status, claimed_at in rows:
            # Conditional on the state read: of two workers resuming a row, one wins.
            if Digest.objects.filter(pk=pk, status=status, claimed_at=claimed_at).update(
                status=SendStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
            ):
                taken.append(pk)
        digests = list(Digest.objects.filter(pk__in=taken).order_by("pk"))
        recipients = _recipients({d.user_id for d in digests})
        visible = _still_visible(digests)
        prepared = []
        for digest in digests:
            recipient = recipients.get(digest.user_id)
            if recipient is None:  # address no longer verified, or account gone
                Digest.objects.filter(pk=digest.pk).update(
                    status=SendStatus.FAILED, error="no verified address"
                )
                continue
            sections = [
                Section(t, list(ids), more)
                for t, ids, more in digest.sections
                if (digest.user_id, t) in visible
            ]
            if not sections:  # every topic of it turned private (or was unfollowed) since
                Digest.objects.filter(pk=digest.pk).update(
                    status=SendStatus.FAILED, error="nothing left to send"
                )
                continue
            prepared.append(Prepared(digest, recipient, sections))
        report.resumed += len(prepared)
        if prepared and not _deliver(prepared, renderer, report):
            return


def _deliver(prepared: list[Prepared], renderer: Renderer, report: DigestReport) -> bool:
    """Send the claimed digests; False when the batch had to stop (what is left goes back
    to PENDING for the next run)."""
    batch = mail.deliver_batch(
        prepared,
        lambda connection, item: _send_one(connection, item, renderer),
        connections=settings.GLANEUR_MAIL_CONNECTIONS,
    )
    for outcome in batch.outcomes.values():
        if outcome == mail.Outcome.SENT:
            report.sent += 1
        elif outcome in (mail.Outcome.RETRY, mail.Outcome.BROKEN):
            report.retried += 1
        else:
            report.failed += 1
    left = [item.digest.pk for n, item in enumerate(prepared) if n not in batch.outcomes]
    if left:
        Digest.objects.filter(pk__in=left, status=SendStatus.SENDING).update(
            status=SendStatus.PENDING, attempts=F("attempts") - 1
        )
    return not (left or batch.stopped)


def _send_one(connection: BaseEmailBackend, item: Prepared, renderer: Renderer) -> mail.Outcome:
    digest = item.digest
    message = renderer.message(item)
    result = mail.send(connection, message)
    now = timezone.now()
    rows = Digest.objects.filter(pk=digest.pk, status=SendStatus.SENDING)
    if result.outcome == mail.Outcome.SENT:
        rows.update(status=SendStatus.SENT, sent_at=now, error="")
    elif result.outcome in (mail.Outcome.RETRY, mail.Outcome.BROKEN):
        if digest.attempts >= mail.MAX_ATTEMPTS:
            rows.update(status=SendStatus.FAILED, error=result.error)
        else:
            rows.update(status=SendStatus.PENDING, error=result.error)
    else:
        rows.update(
            status=SendStatus.BOUNCED
            if result.outcome == mail.Outcome.BOUNCED
            else SendStatus.FAILED,
            error=result.error,
        )
    return result.outcome
