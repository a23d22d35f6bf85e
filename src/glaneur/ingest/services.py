"""The background half of a scoop: fetch (or take the bookmarklet's copy), extract, fill in.

Every outcome is written on the post (state + a readable error); nothing the curator typed
is overwritten: extraction only fills what is empty or still the URL placeholder.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Func, IntegerField, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from glaneur.curation.models import Post
from glaneur.curation.services import PERSON_WINS_FIELDS, post_slug
from glaneur.ingest.urlnorm import normalize_url

from .extract import Article, BlockedPage, ExtractError, extract
from .fetch import FetchError, fetch
from .models import PageCapture

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
BACKOFF_SECONDS = (5, 30, 120)
CAPTURE_MAX_CHARS = 5 * 1024 * 1024
CAPTURE_TTL = timedelta(hours=1)


def enqueue_fetch(post_id: int, *, delay: float = 0) -> None:
    from .tasks import fetch_post

    task = fetch_post
    if delay:
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay))
    task.enqueue(post_id)


class CaptureStoreFull(Exception):
    """The page copies waiting for a curator already fill GLANEUR_CAPTURE_STORE_MAX_BYTES."""


class _OctetLength(Func):
    function = "OCTET_LENGTH"
    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # SQLite < 3.43 has no octet_length(); a blob's length is its size in bytes.
        return self.as_sql(compiler, connection, template="LENGTH(CAST(%(expressions)s AS BLOB))")


def store_capture(*, url: str, title: str = "", selection: str = "", html: str = "") -> str:
    """Keep a page copy sent by the bookmarklet; returns the token the scoop form carries.

    Raises CaptureStoreFull when the copies not yet claimed (an hour's worth at most) would
    pass GLANEUR_CAPTURE_STORE_MAX_BYTES with this one.
    """
    PageCapture.objects.filter(created_at__lt=timezone.now() - CAPTURE_TTL, post=None).delete()
    html = html[:CAPTURE_MAX_CHARS]
    waiting = PageCapture.objects.filter(post=None).aggregate(size=Sum(_OctetLength("html")))
    if (waiting["size"] or 0) + len(html.encode()) > settings.GLANEUR_CAPTURE_STORE_MAX_BYTES:
        raise CaptureStoreFull
    token = secrets.token_urlsafe(32)
    PageCapture.objects.create(
        token=token,
        url=url[:2000],
        title=title[:500],
        selection=selection[:10_000],
        html=html,
    )
    return token


def attach_capture(post: Post, token: str) -> None:
    fresh = timezone.now() - CAPTURE_TTL
    PageCapture.objects.filter(token=token, post=None, created_at__gte=fresh).update(post=post)


# What belongs to the pipeline alone: written from every successful read of the page.
OWNED = ("main_text", "language", "image_candidates", "normalized_url")
OUTCOME = ("state", "state_error", "fetched_at", "updated_at")


def _filled_fields(post: Post, article: Article) -> list[str]:
    """Apply the article to ``post`` (read fresh, under lock); returns the fields changed."""
    edited = set(post.edited_fields or ())
    before = {name: getattr(post, name) for name in (*PERSON_WINS_FIELDS, *OWNED, "slug")}
    # Extraction fills what is empty (or the URL placeholder, for the title), and never a
    # field a person set (Post.edited_fields).
    if "title" not in edited and post.title in ("", post.url) and article.title:
        post.title = article.title[:500]
        post.slug = post_slug(post.title)
    proposed = {
        "summary": article.summary,
        "image_url": article.image_urls[0] if article.image_urls else "",
        "site_name": article.site_name[:200],
        "author": article.author[:200],
        "source_published_at": article.published_at,
    }
    for name, value in proposed.items():
        if name not in edited and not getattr(post, name) and value:
            setattr(post, name, value)
    post.image_candidates = article.image_urls
    post.language = article.language[:8]
    post.main_text = article.text
    if article.canonical_url:
        canonical = normalize_url(article.canonical_url)
        taken = (
            Post.objects.filter(topic_id=post.topic_id, normalized_url=canonical)
            .exclude(pk=post.pk)
            .exists()
        )
        if canonical and not taken:
            post.normalized_url = canonical
    return [name for name, value in before.items() if getattr(post, name) != value]


def _record(
    post_id: int,
    url: str,
    state: str,
    error: str = "",
    article: Article | None = None,
) -> Post | None:
    """Write the outcome of a read on the post as it is now, not as it was before the fetch:
    a person may have edited, published or commented meanwhile, and that stays."""
    with transaction.atomic():
        post = Post.objects.select_for_update().filter(pk=post_id).first()
        if post is None:
            return None  # deleted while the page was read
        if post.url != url:
            # The address changed meanwhile: this read is of the old page, a new one is queued.
            return post
        fields = _filled_fields(post, article) if article is not None else []
        post.state = state
        post.state_error = error
        post.fetched_at = timezone.now()
        post.save(update_fields=[*fields, *OUTCOME])
    return post


def ingest_post(post_id: int) -> Post | None:
    """Fetch, extract and fill one post; schedules a retry for transient failures.

    The page is read outside any transaction; only the fields the pipeline owns, and those
    still empty and never set by a person, are written at the end (``_record``)."""
    with transaction.atomic():
        post = Post.objects.select_for_update().filter(pk=post_id).first()
        if post is None or post.state not in (Post.State.QUEUED, Post.State.FETCHING):
            return post
        post.state = Post.State.FETCHING
        post.fetch_attempts += 1
        post.save(update_fields=["state", "fetch_attempts"])
    url, attempts = post.url, post.fetch_attempts
    capture = PageCapture.objects.filter(post=post).first()
    try:
        if capture is not None and capture.html:
            article = extract(capture.html, url=url)
        else:
            result = fetch(url)
            article = extract(
                result.body,
                url=result.url,
                content_type=result.content_type,
                charset=result.charset,
                status=result.status,
            )
    except BlockedPage as exc:
        return _record(post_id, url, Post.State.BLOCKED, _blocked_message(exc.reason))
    except FetchError as exc:
        if exc.transient and attempts < MAX_ATTEMPTS:
            delay = exc.retry_after or BACKOFF_SECONDS[min(attempts, 3) - 1]
            delay = min(delay, 3600)
            reason = _("%(reason)s Trying again in %(seconds)d s.") % {
                "reason": exc.reason,
                "seconds": delay,
            }
            with transaction.atomic():
                Post.objects.filter(pk=post_id, state=Post.State.FETCHING).update(
                    state=Post.State.QUEUED, state_error=reason
                )
                transaction.on_commit(lambda: enqueue_fetch(post_id, delay=delay))
            post.state, post.state_error = Post.State.QUEUED, reason
            return post
        return _record(post_id, url, Post.State.FAILED, exc.reason)
    except ExtractError as exc:
        return _record(post_id, url, Post.State.FAILED, exc.reason)
    except Exception:
        # A bug must not leave the post spinning forever: record it, keep the curator's work.
        logger.exception("extraction of post %s failed", post_id)
        return _record(
            post_id, url, Post.State.FAILED, _("Unexpected error while reading the page.")
        )
    recorded = _record(post_id, url, Post.State.READY, article=article)
    if capture is not None:
        capture.delete()
    return recorded


def give_up(post_id: int) -> None:
    """The fetch task was abandoned by workers that died running it (curation.workers)."""
    Post.objects.filter(pk=post_id, state__in=(Post.State.QUEUED, Post.State.FETCHING)).update(
        state=Post.State.FAILED,
        state_error=_(
            "The background worker stopped several times while reading this page. "
            "Fetch it again, or use the bookmarklet from the page in your browser."
        ),
        fetched_at=timezone.now(),
        updated_at=timezone.now(),
    )


def _blocked_message(reason: str) -> str:
    return _(
        "%(reason)s Use the bookmarklet from the page in your browser to send its content."
    ) % {"reason": reason}
