"""What curators do with the inbox (scoop, discard, mark seen) and what visitors do
(suggest a link, see what became of it). Every path — page, API, CLI — calls these."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from glaneur.curation.access import check_can_curate
from glaneur.curation.models import Post, Topic
from glaneur.curation.posts import url_key
from glaneur.curation.services import DuplicatePost, authenticated, clean_source_url, scoop_url

from . import ranking
from .models import Candidate, Suggestion

if TYPE_CHECKING:
    from glaneur.curation.access import AnyUser

OPEN = (Candidate.Status.NEW, Candidate.Status.SEEN)
_STATUS_LINK_SALT = "glaneur.sources.suggestion"


def _same_story(candidate: Candidate) -> Q:
    """The candidate and its near-duplicates (one story, decided once)."""
    if candidate.group is None:
        return Q(pk=candidate.pk) | Q(group=candidate.pk)
    return Q(pk=candidate.pk) | Q(group=candidate.group) | Q(pk=candidate.group)


def scoop(
    candidate: Candidate,
    *,
    by: AnyUser,
    insight: str = "",
    tags: str | Iterable[str] = (),
    publish: bool = False,
) -> Post:
    """Scoop a candidate through the one scoop operation: a draft opened for review, or
    published at once; the story leaves the inbox and its words weigh more for the topic."""
    user = authenticated(by)
    topic = candidate.topic
    check_can_curate(user, topic)
    try:
        with transaction.atomic():
            post = scoop_url(
                topic,
                candidate.url,
                by=user,
                insight=insight,
                tags=tags,
                title=candidate.title,
                status=Post.Status.PUBLISHED if publish else Post.Status.DRAFT,
            )
            _close(candidate, Candidate.Status.SCOOPED, post, user)
    except DuplicatePost as exc:
        # Scooped meanwhile by another curator: the inbox forgets it all the same.
        with transaction.atomic():
            _close(candidate, Candidate.Status.SCOOPED, exc.existing, user)
        raise
    ranking.learn(candidate, scooped=True)
    return post


def discard(candidate: Candidate, *, by: AnyUser, reason: str = "") -> None:
    """Discard a candidate (and its near-duplicates); a visitor's suggestion is refused
    with ``reason``, which they see. The story's words weigh less for the topic."""
    user = authenticated(by)
    check_can_curate(user, candidate.topic)
    with transaction.atomic():
        _close(candidate, Candidate.Status.DISCARDED, None, user, reason=reason)
    ranking.learn(candidate, scooped=False)


def _close(
    candidate: Candidate,
    status: str,
    post: Post | None,
    by: AnyUser,
    *,
    reason: str = "",
) -> None:
    now = timezone.now()
    story = Candidate.objects.filter(topic=candidate.topic).filter(_same_story(candidate))
    story.filter(status__in=OPEN).update(status=status, decided_at=now)
    Candidate.objects.filter(pk=candidate.pk).update(status=status, decided_at=now, post=post)
    candidate.status, candidate.decided_at, candidate.post = status, now, post
    # Every visitor who suggested this story hears of the decision.
    suggestions = Suggestion.objects.filter(
        candidate__in=story, status=Suggestion.Status.PENDING
    ).select_related("author")
    accepted = status == Candidate.Status.SCOOPED
    decided = list(suggestions)
    for suggestion in decided:
        suggestion.status = Suggestion.Status.ACCEPTED if accepted else Suggestion.Status.REFUSED
        suggestion.reason = "" if accepted else reason.strip()[:2000]
        suggestion.decided_by = by if getattr(by, "pk", None) else None  # type: ignore[assignment]
        suggestion.decided_at = now
        suggestion.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    if decided:
        from .suggestion_tasks import tell_suggesters

        ids = [s.pk for s in decided if s.author_id and s.author and s.author.email]
        if ids:
            transaction.on_commit(lambda: tell_suggesters.enqueue(ids))


def mark_seen(topic: Topic, *, by: AnyUser, ids: Iterable[int] | None = None) -> int:
    """Mark the new candidates seen (all of them, or those ``ids``); how many."""
    check_can_curate(by, topic)
    rows = Candidate.objects.filter(topic=topic, status=Candidate.Status.NEW)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(status=Candidate.Status.SEEN)


class AlreadyPublished(ValidationError):
    """The suggested page is already a post of the topic (the visitor gets its link)."""

    def __init__(self, post: Post) -> None:
        self.post = post
        super().__init__(_("This page is already in the topic."), code="duplicate")


def check_may_suggest(topic: Topic) -> None:
    public = topic.visibility == Topic.Visibility.PUBLIC
    if not public or not ranking.engine_of(topic).visitor_suggestions:
        raise PermissionDenied(_("This topic does not take suggestions."))


def suggest(
    topic: Topic,
    url: str,
    *,
    by: AnyUser | None,
    name: str = "",
    comment: str = "",
) -> Suggestion:
    """A visitor suggests a link to a public topic: it waits in the curators' inbox, marked
    as theirs. The page is read later by the worker, never in the request."""
    check_may_suggest(topic)
    url = clean_source_url(url)
    key = url_key(url)
    existing = Post.objects.filter(topic=topic, normalized_url=key).first()
    if existing is not None:
        raise AlreadyPublished(existing)
    author = by if by is not None and by.is_authenticated else None
    with transaction.atomic():
        suggestion = Suggestion.objects.create(
            topic=topic,
            url=url,
            author=author,
            name="" if author else name.strip()[:100],
            comment=comment.strip()[:2000],
        )
        candidate = _candidate_for(topic, url, key)
        if candidate.suggestion_id is None:
            candidate.suggestion = suggestion
        if candidate.status not in OPEN:
            # Discarded from a feed before: a person asking deserves a look.
            candidate.status = Candidate.Status.NEW
            candidate.decided_at = None
        candidate.save(update_fields=["suggestion", "status", "decided_at"])
    from .suggestion_tasks import read_suggested

    transaction.on_commit(lambda: read_suggested.enqueue(candidate.pk))
    return suggestion


def _candidate_for(topic: Topic, url: str, key: str) -> Candidate:
    try:
        with transaction.atomic():
            candidate, _created = Candidate.objects.get_or_create(
                topic=topic, url_key=key[:2000], defaults={"url": url, "title": url[:500]}
            )
    except IntegrityError:  # made by a poller at the same moment
        candidate = Candidate.objects.get(topic=topic, url_key=key[:2000])
    return candidate


def status_token(suggestion: Suggestion) -> str:
    """The private address part of a suggestion's status page (for visitors without an
    account, who have no list of their suggestions)."""
    return signing.dumps(suggestion.pk, salt=_STATUS_LINK_SALT)


def read_status_token(token: str) -> int | None:
    try:
        value = signing.loads(
            token, salt=_STATUS_LINK_SALT, max_age=settings.GLANEUR_SUGGESTION_DAYS * 86400
        )
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None
