"""The post pipeline: a scooped post is read in the background, then its later steps run.

Curation owns the post's state; ingest reads the page and reports how it went
(``ingest.reading``). Steps, in order:

1. ``read``: the worker (queue ``scoops``) claims the post (state FETCHING), ingest reads
   the page outside any transaction, and the outcome is written here on the post as it is
   now — only the fields the pipeline owns, and those a person left empty and never set
   (``Post.edited_fields``) — with a readable error when it failed. A transient failure is
   tried again later, a worker that died mid-read is replaced (``runtime.workers``).
2. The post is ready: ``events.posts_ready`` (NLP subscribes), and, like every change,
   ``events.posts_changed`` (search indexing subscribes).
3. Publication, by a person, the scheduler, an import or a rescoop: ``events.posts_published``.

Each later step (``register_step``: search's ``index`` now) records how it went for each post
(``PostStep``: done, or failed with its reason) and can be run again alone (``retry_step``,
``glaneur retry-step``); no step deletes what a person wrote.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from glaneur.ingest.urlnorm import normalize_url

from . import events
from .models import Post, PostStep
from .posts import apply_extracted

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from glaneur.ingest.extract import Article

    from .access import AnyUser

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
BACKOFF_SECONDS = (5, 30, 120)

# What belongs to the pipeline alone: written from every successful read of the page.
OWNED = ("main_text", "language", "image_candidates", "normalized_url")
OUTCOME = ("state", "state_error", "fetched_at", "updated_at")


def enqueue_read(post_id: int, *, delay: float = 0) -> None:
    """Have the worker read the post's page (after ``delay`` seconds)."""
    from .tasks import read_post

    task = read_post
    if delay:
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay))
    task.enqueue(post_id)


def read(post_id: int) -> Post | None:
    """Read the post's page and record the outcome; schedules a retry for transient failures."""
    from glaneur.ingest.models import PageCapture
    from glaneur.ingest.reading import Outcome, read_page

    with transaction.atomic():
        post = Post.objects.select_for_update().filter(pk=post_id).first()
        if post is None or post.state not in (Post.State.QUEUED, Post.State.FETCHING):
            return post
        post.state = Post.State.FETCHING
        post.fetch_attempts += 1
        post.save(update_fields=["state", "fetch_attempts"])
    url, attempts = post.url, post.fetch_attempts
    capture = PageCapture.objects.filter(post_id=post_id).first()
    reading = read_page(url, copy=capture.html if capture is not None else "")
    if reading.outcome == Outcome.RETRY and attempts < MAX_ATTEMPTS:
        return _retry_later(post, reading.reason, reading.retry_after)
    state = {
        Outcome.READ: Post.State.READY,
        Outcome.BLOCKED: Post.State.BLOCKED,
    }.get(reading.outcome, Post.State.FAILED)
    recorded = _record(post_id, url, state, reading.reason, reading.article)
    if capture is not None and state == Post.State.READY:
        capture.delete()
    return recorded


def _retry_later(post: Post, reason: str, retry_after: float | None) -> Post:
    delay = min(retry_after or BACKOFF_SECONDS[min(post.fetch_attempts, 3) - 1], 3600)
    error = _("%(reason)s Trying again in %(seconds)d s.") % {
        "reason": reason,
        "seconds": delay,
    }
    with transaction.atomic():
        Post.objects.filter(pk=post.pk, state=Post.State.FETCHING).update(
            state=Post.State.QUEUED, state_error=error
        )
        transaction.on_commit(lambda: enqueue_read(post.pk, delay=delay))
    post.state, post.state_error = Post.State.QUEUED, error
    return post


def _record(
    post_id: int, url: str, state: str, error: str = "", article: Article | None = None
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
        if state == Post.State.READY:
            events.ready([post_id])
    return post


def _filled_fields(post: Post, article: Article) -> list[str]:
    """Apply the article to ``post`` (read fresh, under lock); returns the fields changed.

    What a person may set is filled only while empty and never set by a person, shaped as
    any write (``posts.apply_extracted``); what the pipeline owns is written every time."""
    changed = apply_extracted(
        post,
        {
            "title": article.title,
            "summary": article.summary,
            "image_url": article.image_urls[0] if article.image_urls else "",
            "site_name": article.site_name,
            "author": article.author,
            "source_published_at": article.published_at,
        },
    )
    before = {name: getattr(post, name) for name in OWNED}
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
    return [*changed, *(name for name, value in before.items() if getattr(post, name) != value)]


def give_up(post_id: int) -> None:
    """The read was abandoned by workers that died running it (curation.workers)."""
    Post.objects.filter(pk=post_id, state__in=(Post.State.QUEUED, Post.State.FETCHING)).update(
        state=Post.State.FAILED,
        state_error=_(
            "The background worker stopped several times while reading this page. "
            "Fetch it again, or use the bookmarklet from the page in your browser."
        ),
        fetched_at=timezone.now(),
        updated_at=timezone.now(),
    )


# The steps after the read, by name: how to run one again for some posts (``retry_step``),
# and what curators call it.
_steps: dict[str, Callable[[list[int]], object]] = {}
_labels: dict[str, StrOrPromise] = {}


def register_step(
    name: str, rerun: Callable[[list[int]], object], label: StrOrPromise | None = None
) -> None:
    """Declare a step of the pipeline (from its app's ``ready``)."""
    _steps[name] = rerun
    _labels[name] = label or name


def step_names() -> list[str]:
    return ["read", *sorted(_steps)]


def run_step_soon(
    post_ids: Iterable[int],
    *,
    in_worker: bool,
    run: Callable[[list[int]], object],
    enqueue: Callable[[list[int]], object],
    chunk: int,
) -> None:
    """How a later step starts once the posts' transaction committed: in the worker, as
    tasks of ``chunk`` posts (``enqueue``), or here at once (``run``: tests, a one-process
    set-up)."""
    ids = sorted(set(post_ids))
    if not ids:
        return
    if not in_worker:
        run(ids)
        return
    for start in range(0, len(ids), chunk):
        enqueue(ids[start : start + chunk])


def step_label(name: str) -> str:
    return str(_labels.get(name, name))


def record_step(name: str, post_ids: Iterable[int], *, error: str = "") -> None:
    """Write how step ``name`` went for these posts (one statement; posts gone are skipped)."""
    ids = sorted(set(post_ids))
    if not ids:
        return
    now = timezone.now()
    state = PostStep.State.FAILED if error else PostStep.State.DONE
    alive = Post.objects.filter(pk__in=ids).values_list("pk", flat=True)
    PostStep.objects.bulk_create(
        [PostStep(post_id=pk, name=name, state=state, error=error, updated_at=now) for pk in alive],
        update_conflicts=True,
        unique_fields=["post", "name"],
        update_fields=["state", "error", "updated_at"],
    )


def retry_step(post: Post, name: str, *, by: AnyUser | None) -> None:
    """Run one step again for one post, alone (``read`` fetches the page again)."""
    from .services import check_can_edit_post, refetch

    if name == "read":
        refetch(post, by=by)
        return
    if name not in _steps:
        raise ValueError(f"unknown step {name!r}; steps: {', '.join(step_names())}")
    if by is not None:
        check_can_edit_post(by, post)
    _steps[name]([post.pk])
