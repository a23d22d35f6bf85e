"""The background half of a scoop: fetch (or take the bookmarklet's copy), extract, fill in.

Every outcome is written on the post (state + a readable error); nothing the curator typed
is overwritten: extraction only fills what is empty or still the URL placeholder.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from glaneur.curation.models import Post
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


def store_capture(*, url: str, title: str = "", selection: str = "", html: str = "") -> str:
    """Keep a page copy sent by the bookmarklet; returns the token the scoop form carries."""
    PageCapture.objects.filter(created_at__lt=timezone.now() - CAPTURE_TTL, post=None).delete()
    token = secrets.token_urlsafe(32)
    PageCapture.objects.create(
        token=token,
        url=url[:2000],
        title=title[:500],
        selection=selection[:10_000],
        html=html[:CAPTURE_MAX_CHARS],
    )
    return token


def attach_capture(post: Post, token: str) -> None:
    fresh = timezone.now() - CAPTURE_TTL
    PageCapture.objects.filter(token=token, post=None, created_at__gte=fresh).update(post=post)


def _fill(post: Post, article: Article) -> None:
    if post.title in ("", post.url) and article.title:
        post.title = article.title[:500]
        from glaneur.curation.services import post_slug

        post.slug = post_slug(post.title)
    post.summary = post.summary or article.summary
    post.image_candidates = article.image_urls
    post.image_url = post.image_url or (article.image_urls[0] if article.image_urls else "")
    post.site_name = post.site_name or article.site_name[:200]
    post.author = post.author or article.author[:200]
    post.source_published_at = post.source_published_at or article.published_at
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


def _finish(post: Post, state: str, error: str = "") -> Post:
    post.state = state
    post.state_error = error
    post.fetched_at = timezone.now()
    post.save()
    return post


def ingest_post(post_id: int) -> Post | None:
    """Fetch, extract and fill one post; schedules a retry for transient failures."""
    with transaction.atomic():
        post = Post.objects.select_for_update().filter(pk=post_id).first()
        if post is None or post.state not in (Post.State.QUEUED, Post.State.FETCHING):
            return post
        post.state = Post.State.FETCHING
        post.fetch_attempts += 1
        post.save(update_fields=["state", "fetch_attempts"])
    capture = PageCapture.objects.filter(post=post).first()
    try:
        if capture is not None and capture.html:
            article = extract(capture.html, url=post.url)
        else:
            result = fetch(post.url)
            article = extract(
                result.body,
                url=result.url,
                content_type=result.content_type,
                charset=result.charset,
                status=result.status,
            )
    except BlockedPage as exc:
        return _finish(post, Post.State.BLOCKED, _blocked_message(exc.reason))
    except FetchError as exc:
        if exc.transient and post.fetch_attempts < MAX_ATTEMPTS:
            delay = exc.retry_after or BACKOFF_SECONDS[min(post.fetch_attempts, 3) - 1]
            delay = min(delay, 3600)
            post.state = Post.State.QUEUED
            post.state_error = _("%(reason)s Trying again in %(seconds)d s.") % {
                "reason": exc.reason,
                "seconds": delay,
            }
            post.save(update_fields=["state", "state_error"])
            transaction.on_commit(lambda: enqueue_fetch(post.pk, delay=delay))
            return post
        return _finish(post, Post.State.FAILED, exc.reason)
    except ExtractError as exc:
        return _finish(post, Post.State.FAILED, exc.reason)
    except Exception:
        # A bug must not leave the post spinning forever: record it, keep the curator's work.
        logger.exception("extraction of post %s failed", post.pk)
        return _finish(post, Post.State.FAILED, _("Unexpected error while reading the page."))
    _fill(post, article)
    if capture is not None:
        capture.delete()
    return _finish(post, Post.State.READY)


def _blocked_message(reason: str) -> str:
    return _(
        "%(reason)s Use the bookmarklet from the page in your browser to send its content."
    ) % {"reason": reason}
