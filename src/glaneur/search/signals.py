"""Keep the index in step with every saved, deleted or re-tagged post.

Changes are collected per thread and, once the transaction commits, handed to the worker
in one batch: a transaction that saves a thousand posts indexes them together, after the
commit, so the index never holds what was rolled back, and neither the request nor any
write transaction waits for the index.
Code that writes with ``bulk_create`` or ``QuerySet.update`` sends no signal: it calls
``services.index_posts(ids)`` itself.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from glaneur.curation.models import Post, PostTag, Tag

logger = logging.getLogger(__name__)
_pending = threading.local()


def _ids() -> set[int]:
    ids: set[int] | None = getattr(_pending, "ids", None)
    if ids is None:
        ids = _pending.ids = set()
    return ids


def schedule(post_ids: set[int]) -> None:
    """Index these posts after the current transaction commits (at once outside one)."""
    if not post_ids:
        return
    _ids().update(post_ids)
    transaction.on_commit(flush)


def flush() -> None:
    """Index the posts changed by the transaction that just committed (in the worker)."""
    from .services import index_soon

    ids = _ids()
    if not ids:
        return
    batch = set(ids)
    ids.clear()
    try:
        index_soon(batch)
    except Exception:
        # The post is saved whatever happens to the index; `glaneur reindex` repairs it.
        logger.exception("could not index posts %s", sorted(batch)[:20])


def _post_changed(sender: Any, instance: Post, **kwargs: Any) -> None:
    schedule({instance.pk})


def _post_tag_changed(sender: Any, instance: PostTag, **kwargs: Any) -> None:
    schedule({instance.post_id})


def _tags_changed(sender: Any, instance: Any, action: str, reverse: bool, **kwargs: Any) -> None:
    if not action.startswith("post_"):
        return
    if not reverse:
        schedule({instance.pk})
    elif kwargs.get("pk_set"):
        schedule(set(kwargs["pk_set"]))


def _tag_renamed(sender: Any, instance: Tag, created: bool, **kwargs: Any) -> None:
    if not created:
        schedule(set(PostTag.objects.filter(tag=instance).values_list("post_id", flat=True)))


def connect() -> None:
    post_save.connect(_post_changed, sender=Post, dispatch_uid="search-post-saved")
    post_delete.connect(_post_changed, sender=Post, dispatch_uid="search-post-deleted")
    post_save.connect(_post_tag_changed, sender=PostTag, dispatch_uid="search-posttag-saved")
    post_delete.connect(_post_tag_changed, sender=PostTag, dispatch_uid="search-posttag-deleted")
    m2m_changed.connect(_tags_changed, sender=Post.tags.through, dispatch_uid="search-tags")
    post_save.connect(_tag_renamed, sender=Tag, dispatch_uid="search-tag-saved")
