"""The named events of a post's life: the pipeline's steps subscribe to them.

Each is sent once the transaction that caused it has committed (at once outside one), with
``post_ids`` (a list: a bulk import sends one event for its whole batch). A subscriber that
fails is logged and never undoes nor blocks what the person did.

- ``posts_changed``: posts were created, edited, re-tagged, read or removed, by any path
  (forms, API, CLI, the pipeline, imports, the admin); search indexing subscribes.
- ``posts_ready``: the page of a post was read (its text is there); NLP will subscribe.
- ``posts_published``: posts became public, with ``how``: ``"person"`` (a new published
  post, a draft published), ``"scheduler"``, ``"scoop"``, ``"import"``, ``"rescoop"``;
  federation and newsletters will subscribe.

Model signals of Post, PostTag and Tag are turned into ``posts_changed`` here, collected per
thread and sent after the commit in one batch; code that writes with ``bulk_create`` or
``QuerySet.update`` sends no model signal and calls ``changed(ids)`` itself.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal

from .models import Post, PostTag, Tag

logger = logging.getLogger(__name__)

posts_changed = Signal()
posts_ready = Signal()
posts_published = Signal()
# A topic's visibility changed (``topic_id``, ``before``, ``after``), sent after the commit:
# what was published beyond the site (the fediverse) may have to be withdrawn.
topic_visibility_changed = Signal()
# A contributor's post waits for approval (``post_id``), or an editor decided on it
# (``post_id``, ``approved``, ``note``, ``by_id``): sent after the commit, for notices.
review_requested = Signal()
review_decided = Signal()

PUBLISHED_BY = ("person", "scheduler", "scoop", "import", "rescoop")


def _send(signal: Signal, post_ids: list[int], **extra: Any) -> None:
    for receiver, result in signal.send_robust(sender=Post, post_ids=post_ids, **extra):
        if isinstance(result, Exception):
            logger.error(
                "subscriber %r failed on posts %s", receiver, post_ids[:20], exc_info=result
            )


def ready(post_ids: Iterable[int]) -> None:
    """The page of these posts was read."""
    ids = sorted(set(post_ids))
    if ids:
        transaction.on_commit(lambda: _send(posts_ready, ids))


def published(post_ids: Iterable[int], *, how: str) -> None:
    """These posts became public (``how``: one of PUBLISHED_BY)."""
    if how not in PUBLISHED_BY:
        raise ValueError(f"unknown way of publishing: {how!r}")
    ids = sorted(set(post_ids))
    if ids:
        transaction.on_commit(lambda: _send(posts_published, ids, how=how))


def visibility_changed(topic_id: int, before: str, after: str) -> None:
    """The topic went from ``before`` to ``after`` (Topic.Visibility values)."""
    if before == after:
        return

    def send() -> None:
        for receiver, result in topic_visibility_changed.send_robust(
            sender=Post, topic_id=topic_id, before=before, after=after
        ):
            if isinstance(result, Exception):
                logger.error(
                    "subscriber %r failed on topic %s", receiver, topic_id, exc_info=result
                )

    transaction.on_commit(send)


def review(signal: Signal, **values: Any) -> None:
    """Send ``review_requested`` or ``review_decided`` once the transaction commits."""

    def send() -> None:
        for receiver, result in signal.send_robust(sender=Post, **values):
            if isinstance(result, Exception):
                logger.error("subscriber %r failed on a review", receiver, exc_info=result)

    transaction.on_commit(send)


_pending = threading.local()


def _ids() -> set[int]:
    ids: set[int] | None = getattr(_pending, "ids", None)
    if ids is None:
        ids = _pending.ids = set()
    return ids


def changed(post_ids: Iterable[int]) -> None:
    """These posts changed: gathered with the transaction's other changes, sent after it."""
    ids = set(post_ids)
    if not ids:
        return
    _ids().update(ids)
    transaction.on_commit(_flush_changed)


def _flush_changed() -> None:
    ids = _ids()
    if not ids:
        return
    batch = sorted(ids)
    ids.clear()
    _send(posts_changed, batch)


def _post_saved_or_deleted(sender: Any, instance: Post, **kwargs: Any) -> None:
    changed({instance.pk})


def _post_tag_changed(sender: Any, instance: PostTag, **kwargs: Any) -> None:
    changed({instance.post_id})


def _tags_changed(sender: Any, instance: Any, action: str, reverse: bool, **kwargs: Any) -> None:
    if not action.startswith("post_"):
        return
    if not reverse:
        changed({instance.pk})
    elif kwargs.get("pk_set"):
        changed(set(kwargs["pk_set"]))


def _tag_renamed(sender: Any, instance: Tag, created: bool, **kwargs: Any) -> None:
    if not created:
        changed(set(PostTag.objects.filter(tag=instance).values_list("post_id", flat=True)))


def connect() -> None:
    post_save.connect(_post_saved_or_deleted, sender=Post, dispatch_uid="events-post-saved")
    post_delete.connect(_post_saved_or_deleted, sender=Post, dispatch_uid="events-post-deleted")
    post_save.connect(_post_tag_changed, sender=PostTag, dispatch_uid="events-posttag-saved")
    post_delete.connect(_post_tag_changed, sender=PostTag, dispatch_uid="events-posttag-deleted")
    m2m_changed.connect(_tags_changed, sender=Post.tags.through, dispatch_uid="events-tags")
    post_save.connect(_tag_renamed, sender=Tag, dispatch_uid="events-tag-saved")
