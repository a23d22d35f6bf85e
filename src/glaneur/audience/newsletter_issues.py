"""Topic newsletters, the curator's side: compose an issue, send it now or later, and the
send itself, which survives interruptions.

Sending creates one Delivery row per active subscriber, then works in batches over one
SMTP connection: a batch is claimed in a short transaction (SELECT … FOR UPDATE SKIP
LOCKED on PostgreSQL, so several workers share the rows; SQLite's IMMEDIATE transactions
serialise the claims), each message is handed to the server and its row marked SENT at
once. A send that stops half-way (crash, kill, unreachable server) resumes with the rows
still PENDING, and with SENDING rows whose claim is older than LEASE. The one message that
can reach a reader twice is the one the server had accepted when the worker died, before
its row was marked.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from glaneur.curation import access
from glaneur.curation.markup import render_markdown
from glaneur.curation.models import Post, Topic
from glaneur.curation.services import authenticated, check_can_manage

from . import mail
from .models import Delivery, Issue, IssueItem, SendStatus, Subscriber

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=15)
RETRY_DELAY = timedelta(minutes=2)
MAX_POSTS = 30


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    bounced: int = 0
    retried: int = 0
    finished: bool = False


@transaction.atomic
def compose_issue(
    topic: Topic,
    *,
    by: User | AnonymousUser,
    subject: str,
    introduction: str = "",
    post_ids: Sequence[int] = (),
) -> Issue:
    """A draft issue from an introduction and the chosen posts, in the order given."""
    check_can_manage(by, topic)
    subject = " ".join(subject.split())
    if not subject:
        raise ValidationError({"subject": _("An issue needs a subject.")})
    if len(post_ids) > MAX_POSTS:
        raise ValidationError({"posts": _("At most %(n)d posts in one issue.") % {"n": MAX_POSTS}})
    found = {
        post.pk: post
        for post in Post.objects.filter(
            topic=topic, pk__in=post_ids, status=Post.Status.PUBLISHED
        ).select_related("topic")
    }
    posts = [found[pk] for pk in dict.fromkeys(post_ids) if pk in found]
    introduction = introduction.strip()
    if not posts and not introduction:
        raise ValidationError(_("Choose at least one post or write an introduction."))
    issue = Issue.objects.create(
        topic=topic,
        subject=subject[:200],
        introduction=introduction,
        introduction_html=render_markdown(introduction) if introduction else "",
        created_by=authenticated(by),
    )
    IssueItem.objects.bulk_create(
        [
            IssueItem(
                issue=issue,
                post=post,
                position=n,
                title=post.title,
                url=post.url,
                site_name=post.site_name,
                insight_html=post.insight_html,
                insight_text=Truncator(post.insight or post.summary).chars(600),
                post_path=post.get_absolute_url(),
            )
            for n, post in enumerate(posts)
        ]
    )
    return issue


def schedule_issue(issue: Issue, *, by: User | AnonymousUser, at: datetime | None = None) -> Issue:
    """Send the issue at ``at``, or as soon as a worker can when ``at`` is None or past."""
    check_can_manage(by, issue.topic)
    now = timezone.now()
    with transaction.atomic():
        updated = Issue.objects.filter(
            pk=issue.pk, status__in=[Issue.Status.DRAFT, Issue.Status.SCHEDULED]
        ).update(status=Issue.Status.SCHEDULED, send_at=max(at, now) if at else now)
        if not updated:
            raise ValidationError(_("This issue has already been sent."))
        if at is None or at <= now:
            transaction.on_commit(lambda: enqueue_send(issue.pk))
    issue.refresh_from_db()
    return issue


def cancel_schedule(issue: Issue, *, by: User | AnonymousUser) -> Issue:
    check_can_manage(by, issue.topic)
    if not Issue.objects.filter(pk=issue.pk, status=Issue.Status.SCHEDULED).update(
        status=Issue.Status.DRAFT, send_at=None
    ):
        raise ValidationError(_("Only an issue that has not started sending can be held back."))
    issue.refresh_from_db()
    return issue


def delete_draft(issue: Issue, *, by: User | AnonymousUser) -> None:
    check_can_manage(by, issue.topic)
    if issue.status not in (Issue.Status.DRAFT, Issue.Status.SCHEDULED):
        raise ValidationError(_("A sent issue stays in the archive."))
    issue.delete()


def enqueue_send(issue_id: int) -> None:
    from .tasks import send_issue as send_issue_task

    send_issue_task.enqueue(issue_id)


def due_issue_ids(*, now: datetime | None = None) -> list[int]:
    """Issues whose time has come, and interrupted sends whose pause is over."""
    now = now or timezone.now()
    return list(
        Issue.objects.filter(
            Q(status=Issue.Status.SCHEDULED, send_at__lte=now)
            | Q(status=Issue.Status.SENDING) & (Q(retry_at__isnull=True) | Q(retry_at__lte=now))
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def send_due_issues(*, now: datetime | None = None) -> int:
    """Send (or resume) every due issue here and now; returns how many were looked at."""
    ids = due_issue_ids(now=now)
    for pk in ids:
        send_issue(pk, now=now)
    return len(ids)


def send_issue(issue_id: int, *, now: datetime | None = None) -> SendReport:
    """Send an issue to its recipients, or resume its send; each recipient gets it once."""
    now = now or timezone.now()
    report = SendReport()
    issue = _start(issue_id, now)
    if issue is None:
        return report
    _drop_closed_recipients(issue)
    renderer = IssueRenderer(issue)
    last = 0
    while True:
        batch = _claim(issue.pk, after=last, now=now)
        if not batch:
            break
        last = batch[-1].pk
        if not _deliver(batch, renderer, report):
            break
    report.finished = _finish(issue.pk)
    return report


def _start(issue_id: int, now: datetime) -> Issue | None:
    """Move a due issue to SENDING and create its deliveries (once, whoever comes first)."""
    with transaction.atomic():
        issue = (
            Issue.objects.select_for_update().select_related("topic").filter(pk=issue_id).first()
        )
        if issue is None:
            return None
        if issue.status == Issue.Status.SCHEDULED and (issue.send_at or now) <= now:
            recipients = (
                Subscriber.objects.filter(topic_id=issue.topic_id, status=Subscriber.Status.ACTIVE)
                .filter(may_receive(issue.topic))
                .values_list("pk", "email")
                .iterator(chunk_size=2000)
            )
            batch: list[Delivery] = []
            for pk, email in recipients:
                batch.append(Delivery(issue=issue, subscriber_id=pk, email=email))
                if len(batch) >= 1000:
                    Delivery.objects.bulk_create(batch, ignore_conflicts=True)
                    batch = []
            Delivery.objects.bulk_create(batch, ignore_conflicts=True)
            issue.status = Issue.Status.SENDING
            issue.started_at = now
            issue.save(update_fields=["status", "started_at"])
        elif issue.status != Issue.Status.SENDING:
            return None
        if issue.retry_at is not None and issue.retry_at > now:
            return None
    return issue


def may_receive(topic: Topic) -> Q:
    """Filter of the subscribers (or deliveries) a topic's issue may go to. An address is
    nobody in particular: an open topic's newsletter goes to every subscriber, a private
    topic's only to the verified addresses of people who may see it (access.py)."""
    viewers = access.viewers_of(topic)
    if not viewers:
        return Q()
    addresses = (
        EmailAddress.objects.filter(
            verified=True, user__in=get_user_model().objects.filter(viewers)
        )
        .annotate(address=Lower("email"))
        .values("address")
    )
    return Q(email__in=addresses)


def _drop_closed_recipients(issue: Issue) -> None:
    """The topic turned private during a send: what is left for other addresses is not sent."""
    topic = Topic.objects.only("pk", "visibility").get(pk=issue.topic_id)
    if access.viewers_of(topic):
        Delivery.objects.filter(issue_id=issue.pk, status=SendStatus.PENDING).exclude(
            may_receive(topic)
        ).update(status=SendStatus.FAILED, error="the topic is private")


def _claim(issue_id: int, *, after: int, now: datetime) -> list[Delivery]:
    """Take the next batch of deliveries for this worker, in one short transaction."""
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(issue_id=issue_id, pk__gt=after)
            .filter(
                Q(status=SendStatus.PENDING)
                | Q(status=SendStatus.SENDING, claimed_at__lt=now - LEASE)
            )
            .order_by("pk")
            .values_list("pk", flat=True)[: settings.GLANEUR_MAIL_BATCH]
        )
        if not ids:
            return []
        Delivery.objects.filter(pk__in=ids).update(
            status=SendStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
        return list(
            Delivery.objects.filter(pk__in=ids)
            .select_related("subscriber")
            .only("pk", "email", "attempts", "claimed_at", "subscriber__language")
            .order_by("pk")
        )


def _deliver(batch: list[Delivery], renderer: IssueRenderer, report: SendReport) -> bool:
    """Send a claimed batch; False if it had to stop early (what is left goes back to
    PENDING and the issue waits RETRY_DELAY)."""
    sent = mail.deliver_batch(
        batch,
        lambda connection, delivery: _send_one(connection, delivery, renderer),
        connections=settings.GLANEUR_MAIL_CONNECTIONS,
    )
    for outcome in sent.outcomes.values():
        if outcome == mail.Outcome.SENT:
            report.sent += 1
        elif outcome == mail.Outcome.BOUNCED:
            report.bounced += 1
        elif outcome == mail.Outcome.FAILED:
            report.failed += 1
        else:
            report.retried += 1
    left = [delivery.pk for n, delivery in enumerate(batch) if n not in sent.outcomes]
    if left:
        Delivery.objects.filter(pk__in=left, status=SendStatus.SENDING).update(
            status=SendStatus.PENDING, attempts=F("attempts") - 1
        )
    if left or report.retried:
        Issue.objects.filter(pk=renderer.issue.pk).update(retry_at=timezone.now() + RETRY_DELAY)
    return not (left or sent.stopped)


def _send_one(
    connection: BaseEmailBackend, delivery: Delivery, renderer: IssueRenderer
) -> mail.Outcome:
    result = mail.send(connection, renderer.message(delivery))
    rows = Delivery.objects.filter(pk=delivery.pk, status=SendStatus.SENDING)
    if result.outcome == mail.Outcome.SENT:
        rows.update(status=SendStatus.SENT, sent_at=timezone.now(), error="")
    elif result.outcome == mail.Outcome.BOUNCED:
        rows.update(status=SendStatus.BOUNCED, error=result.error)
        Subscriber.objects.filter(pk=delivery.subscriber_id).update(
            status=Subscriber.Status.BOUNCED
        )
    elif result.outcome == mail.Outcome.FAILED or delivery.attempts >= mail.MAX_ATTEMPTS:
        rows.update(status=SendStatus.FAILED, error=result.error)
    else:
        rows.update(status=SendStatus.PENDING, error=result.error)
    return result.outcome


def _finish(issue_id: int) -> bool:
    """SENT once no delivery waits; a later run picks up what a refusal left PENDING."""
    waiting = Delivery.objects.filter(
        issue_id=issue_id, status__in=[SendStatus.PENDING, SendStatus.SENDING]
    ).exists()
    if waiting:
        return False
    return bool(
        Issue.objects.filter(pk=issue_id, status=Issue.Status.SENDING).update(
            status=Issue.Status.SENT, sent_at=timezone.now(), retry_at=None
        )
    )


UNSUBSCRIBE_PLACEHOLDER = "glaneur-unsubscribe-placeholder"


class IssueRenderer:
    """An issue is rendered once per language; each message only gets its own link."""

    def __init__(self, issue: Issue) -> None:
        self.issue = issue
        self.items = list(issue.items.all())
        self.rendered: dict[str, mail.Rendered] = {}
        host = mail.absolute_url("").split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
        self.list_id = f"<{issue.topic.slug}.newsletter.{host or 'localhost'}>"

    def render(self, language: str) -> mail.Rendered:
        if language not in self.rendered:
            topic = self.issue.topic
            context = {
                "issue": self.issue,
                "topic": topic,
                "items": [
                    {
                        "title": item.title,
                        "url": mail.absolute_url(item.post_path) if item.post_path else item.url,
                        "source_url": item.url,
                        "source": item.site_name,
                        "insight_html": item.insight_html,
                        "insight_text": item.insight_text,
                    }
                    for item in self.items
                ],
                "topic_url": mail.absolute_url(topic.get_absolute_url()),
                "archive_url": mail.absolute_url(self.issue.get_absolute_url()),
                "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
                "site_name": settings.GLANEUR_SITE_NAME,
            }
            self.rendered[language] = mail.render(
                "audience/email/issue", context, language=language
            )
        return self.rendered[language]

    def message(self, delivery: Delivery) -> EmailMultiAlternatives:
        language = mail.supported_language(delivery.subscriber.language)
        base = self.render(language)
        token = mail.unsubscribe_token("newsletter", delivery.subscriber_id)
        url = mail.absolute_url(reverse("audience:unsubscribe", args=[token]))
        rendered = mail.Rendered(
            base.subject,
            base.text.replace(UNSUBSCRIBE_PLACEHOLDER, url),
            base.html.replace(UNSUBSCRIBE_PLACEHOLDER, escape(url)),
        )
        return mail.build_message(
            rendered,
            delivery.email,
            language=language,
            headers=mail.list_headers(url, list_id=self.list_id),
        )
