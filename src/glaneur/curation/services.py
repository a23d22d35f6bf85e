"""Operations that change posts; every caller (views, API, CLI, tasks) uses these.

What makes a post well-formed is in ``posts``; topics and members in ``topics``, tags in
``tags``: re-exported here for the callers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

# Who may see and change what is decided in access.py; re-exported for the callers.
from . import audit, events
from .access import CURATOR_ROLES as CURATOR_ROLES
from .access import EDITOR_ROLES as EDITOR_ROLES
from .access import authenticated as authenticated
from .access import can_curate as can_curate
from .access import can_edit_post as can_edit_post
from .access import can_pin, can_view_topic, check_can_review, check_can_view_post, needs_approval
from .access import check_can_curate as check_can_curate
from .access import check_can_edit_post as check_can_edit_post
from .access import check_can_manage as check_can_manage
from .access import check_can_view as check_can_view
from .access import role_of as role_of
from .models import Post, Topic
from .posts import EDITABLE_FIELDS as EDITABLE_FIELDS
from .posts import PERSON_WINS_FIELDS as PERSON_WINS_FIELDS
from .posts import RESERVED_SLUGS as RESERVED_SLUGS
from .posts import mark_set_by_person, shape_post, typed_fields
from .posts import post_slug as post_slug
from .tags import get_or_create_tags as get_or_create_tags
from .tags import parse_tag_names as parse_tag_names
from .tags import set_tags
from .topics import add_member as add_member
from .topics import create_topic as create_topic
from .topics import leave_topic as leave_topic
from .topics import remove_member as remove_member
from .topics import unique_topic_slug as unique_topic_slug
from .topics import update_topic as update_topic

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from .access import AnyUser as AnyUser

can_view = can_view_topic


@transaction.atomic
def create_post(
    topic: Topic,
    *,
    by: User | None,
    title: str,
    url: str = "",
    summary: str = "",
    insight: str = "",
    tags: str | Iterable[str] = (),
    image_url: str = "",
    site_name: str = "",
    author: str = "",
    via: str = "",
    source_published_at: datetime | None = None,
    curated_at: datetime | None = None,
    pinned: bool = False,
    status: str = Post.Status.PUBLISHED,
    publish_at: datetime | None = None,
    import_key: str = "",
    rescooped_from: str = "",
    historical_views: int = 0,
    check: bool = True,
    published_by: str = "person",
) -> Post:
    """Save a post typed by a curator (or imported); ``check=False`` only for trusted imports."""
    if check:
        if by is None:
            raise PermissionDenied(_("You must be logged in."))
        check_can_curate(by, topic)
        # A contributor's "pinned" is ignored, whichever form or API sent it (access.py).
        pinned = pinned and can_pin(by, topic)
    waits = (
        check
        and status in (Post.Status.PUBLISHED, Post.Status.SCHEDULED)
        and needs_approval(by, topic)
    )
    if waits:
        status, publish_at = Post.Status.PENDING, None
    post = Post(
        topic=topic,
        url=url,
        title=title,
        summary=summary,
        insight=insight,
        image_url=image_url,
        site_name=site_name,
        author=author,
        via=via,
        source_published_at=source_published_at,
        curated_at=curated_at or timezone.now(),
        curated_by=by,
        pinned=pinned,
        status=status,
        publish_at=publish_at,
        import_key=import_key,
        rescooped_from=rescooped_from,
        historical_views=historical_views,
    )
    shape_post(post)
    _check_unique_url(post)
    mark_set_by_person(post, typed_fields(post))
    post.save(force_insert=True)
    if tags:
        set_tags(post, tags)
    if post.status == Post.Status.PUBLISHED:
        events.published([post.pk], how=published_by)
    if waits:
        _submitted(post, by)
    return post


def _submitted(post: Post, by: AnyUser | None) -> None:
    audit.record(post.topic, by, "post_submitted", post=post.title[:200])
    events.review(events.review_requested, post_id=post.pk)


class DuplicatePost(ValidationError):
    """The URL is already curated in this topic; carries the existing post."""

    def __init__(self, existing: Post) -> None:
        self.existing = existing
        super().__init__(_("This page is already in the topic."), code="duplicate")


def _check_unique_url(post: Post) -> None:
    """Raise DuplicatePost when another post of the topic has the same normalised URL."""
    if not post.normalized_url:
        return
    clash = (
        Post.objects.filter(topic_id=post.topic_id, normalized_url=post.normalized_url)
        .exclude(pk=post.pk)
        .first()
    )
    if clash is not None:
        raise DuplicatePost(clash)


@transaction.atomic
def update_post(
    post: Post, *, by: AnyUser, tags: str | Iterable[str] | None = None, **fields: Any
) -> Post:
    check_can_edit_post(by, post)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if "pinned" in fields and not can_pin(by, post.topic):
        del fields["pinned"]  # a contributor's "pinned" is ignored (access.py)
    # Locked and read again: only the fields given here are written, over the post as it is
    # now (a fetch or another person may have written others since the caller loaded it).
    current = Post.objects.select_for_update().filter(pk=post.pk).first()
    if current is None:
        raise ValidationError(_("This post no longer exists."))
    old_url = current.url
    for name, value in fields.items():
        setattr(post, name, value)
    saved = shape_post(post, fields) | {"edited_fields", "updated_at"}
    if "url" in fields:
        _check_unique_url(post)
    # Every field given is the person's choice, an empty one included ("no image").
    post.edited_fields = current.edited_fields
    mark_set_by_person(post, fields)
    if post.url and post.url != old_url:
        # Another page: read it (what the person set stays; the rest comes from the new page).
        post.state, post.state_error, post.fetch_attempts = Post.State.QUEUED, "", 0
        saved |= {"state", "state_error", "fetch_attempts"}
        from .pipeline import enqueue_read

        transaction.on_commit(lambda: enqueue_read(post.pk))
    post.save(update_fields=sorted(saved))
    if tags is not None:
        set_tags(post, tags)
    return post


class InvalidURL(ValidationError):
    pass


def clean_source_url(url: str) -> str:
    """A URL a curator may scoop: absolute http(s), no credentials; address checks come at fetch."""
    from urllib.parse import urlsplit

    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise InvalidURL({"url": _("Enter a web address starting with http:// or https://.")})
    if parts.username or parts.password:
        raise InvalidURL({"url": _("Web addresses with a user name or password are refused.")})
    from glaneur.ingest.urlnorm import normalize_url

    # Normalising can lengthen an address (a "/" path): both forms must fit their columns.
    if len(url) > 2000 or len(normalize_url(url)) > 2000:
        raise InvalidURL({"url": _("This web address is too long.")})
    return url


@transaction.atomic
def scoop_url(
    topic: Topic,
    url: str,
    *,
    by: User,
    insight: str = "",
    tags: str | Iterable[str] = (),
    title: str = "",
    status: str = Post.Status.PUBLISHED,
    publish_at: datetime | None = None,
    capture_token: str = "",
) -> Post:
    """Save the post at once (nothing typed is lost), then fetch and extract in the background.

    ``capture_token`` attaches the copy of the page that the bookmarklet sent, extracted
    instead of fetching (paywalls, JavaScript pages, bot checks).
    """
    check_can_curate(by, topic)
    url = clean_source_url(url)
    post = create_post(
        topic,
        by=by,
        title=title or url,
        url=url,
        insight=insight,
        tags=tags,
        status=Post.Status.SCHEDULED if publish_at else status,
        publish_at=publish_at,
        published_by="scoop",
    )
    post.state = Post.State.QUEUED
    post.save(update_fields=["state"])
    from glaneur.ingest.captures import attach_capture

    from .pipeline import enqueue_read

    if capture_token:
        attach_capture(post.pk, capture_token)
    transaction.on_commit(lambda: enqueue_read(post.pk))
    return post


def refetch(post: Post, *, by: AnyUser | None) -> Post:
    """Fetch the source again; what the curator wrote stays as it is."""
    if by is not None:
        check_can_edit_post(by, post)
    if not post.url:
        raise ValidationError(_("This post has no web address to fetch."))
    post.state = Post.State.QUEUED
    post.state_error = ""
    post.fetch_attempts = 0
    post.save(update_fields=["state", "state_error", "fetch_attempts", "updated_at"])
    from .pipeline import enqueue_read

    transaction.on_commit(lambda: enqueue_read(post.pk))
    return post


def publish(post: Post, *, by: AnyUser | None, at: datetime | None = None) -> Post:
    """Publish now, or schedule for ``at``; ``by=None`` is the scheduler."""
    if by is not None:
        check_can_edit_post(by, post)
        if needs_approval(by, post.topic):
            return _submit(post, by)
    with transaction.atomic():
        # As it is now, not as the caller's copy says: two people publishing the same
        # draft make one publication.
        current = Post.objects.select_for_update().filter(pk=post.pk).values("status").first()
        was_published = current is not None and current["status"] == Post.Status.PUBLISHED
        _set_publication(post, at)
        if post.status == Post.Status.PUBLISHED and not was_published:
            events.published([post.pk], how="person" if by is not None else "scheduler")
    return post


@transaction.atomic
def _submit(post: Post, by: AnyUser) -> Post:
    """A contributor's "publish" when the topic wants approval: the post waits."""
    current = Post.objects.select_for_update().filter(pk=post.pk).values("status").first()
    if current is not None and current["status"] in (Post.Status.PUBLISHED, Post.Status.PENDING):
        post.status = current["status"]
        return post
    post.status, post.publish_at = Post.Status.PENDING, None
    post.save(update_fields=["status", "publish_at", "updated_at"])
    _submitted(post, by)
    return post


def pending_posts(topic: Topic) -> Any:
    """The posts waiting for an editor's approval, oldest first (the review queue)."""
    return Post.objects.filter(topic=topic, status=Post.Status.PENDING).order_by("updated_at")


@transaction.atomic
def approve(post: Post, *, by: AnyUser) -> Post:
    """An editor publishes a post that waited for approval."""
    check_can_review(by, post.topic)
    current = Post.objects.select_for_update().filter(pk=post.pk).values("status").first()
    if current is None or current["status"] != Post.Status.PENDING:
        raise ValidationError(_("This post is not waiting for approval."))
    post.review_note = ""
    post.save(update_fields=["review_note"])
    _set_publication(post, None)
    events.published([post.pk], how="person")
    audit.record(post.topic, by, "post_approved", post=post.title[:200])
    events.review(events.review_decided, post_id=post.pk, approved=True, note="", by_id=by.pk)
    return post


@transaction.atomic
def send_back(post: Post, *, by: AnyUser, note: str) -> Post:
    """An editor returns a waiting post to its contributor as a draft, with a note."""
    check_can_review(by, post.topic)
    note = note.strip()
    if not note:
        raise ValidationError(_("Say what should change: the contributor reads it."))
    updated = Post.objects.filter(pk=post.pk, status=Post.Status.PENDING).update(
        status=Post.Status.DRAFT, review_note=note[:2000], updated_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_("This post is not waiting for approval."))
    post.refresh_from_db()
    audit.record(post.topic, by, "post_sent_back", post=post.title[:200], note=note[:200])
    events.review(events.review_decided, post_id=post.pk, approved=False, note=note, by_id=by.pk)
    return post


def _set_publication(post: Post, at: datetime | None) -> None:
    if at is not None and at > timezone.now():
        post.status, post.publish_at = Post.Status.SCHEDULED, at
    else:
        post.status, post.publish_at = Post.Status.PUBLISHED, None
        # The stream is ordered by curation date: a draft published today is today's news.
        post.curated_at = timezone.now()
    post.save(update_fields=["status", "publish_at", "curated_at", "updated_at"])


def unpublish(post: Post, *, by: AnyUser) -> Post:
    check_can_edit_post(by, post)
    post.status, post.publish_at = Post.Status.DRAFT, None
    post.save(update_fields=["status", "publish_at", "updated_at"])
    return post


def publish_due_posts(now: datetime | None = None) -> int:
    """Publish every scheduled post whose time has come; returns how many."""
    now = now or timezone.now()
    due = Post.objects.filter(status=Post.Status.SCHEDULED, publish_at__lte=now)
    count = 0
    for post in due.only("pk", "publish_at"):
        with transaction.atomic():
            won = Post.objects.filter(pk=post.pk, status=Post.Status.SCHEDULED).update(
                status=Post.Status.PUBLISHED,
                curated_at=post.publish_at,
                publish_at=None,
                updated_at=now,
            )
            if won:  # not published meanwhile by a person or another scheduler
                events.changed([post.pk])
                events.published([post.pk], how="scheduler")
                count += 1
    return count


def delete_post(post: Post, *, by: AnyUser) -> None:
    check_can_edit_post(by, post)
    post.delete()


def set_pinned(post: Post, pinned: bool, *, by: AnyUser) -> Post:
    if not can_pin(by, post.topic):
        raise PermissionDenied(_("Only the topic's owner and editors may pin posts."))
    post.pinned = pinned
    post.save(update_fields=["pinned", "updated_at"])
    return post


@transaction.atomic
def rescoop(post: Post, into: Topic, *, by: User, insight: str = "") -> Post:
    """Copy a post into one of the user's own topics, keeping a link to the original."""
    check_can_view_post(by, post)  # not someone's draft, nor a post of a private topic
    check_can_curate(by, into)
    if into.pk == post.topic_id:
        raise ValidationError(_("This post is already in that topic."))
    copy = create_post(
        into,
        by=by,
        title=post.title,
        url=post.url,
        summary=post.summary,
        insight=insight,
        tags=list(post.tags.values_list("name", flat=True)),
        image_url=post.image_url,
        site_name=post.site_name,
        author=post.author,
        source_published_at=post.source_published_at,
        published_by="rescoop",
    )
    copy.origin = post
    copy.main_text = post.main_text
    copy.save(update_fields=["origin", "main_text"])
    return copy
