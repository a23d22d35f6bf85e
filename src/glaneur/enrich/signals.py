"""Analyse posts when they are ready or change: enrich subscribes to curation's events.

A post changed by something other than its text (a comment count, a tag) costs a query and
no task: it is enqueued only when its texts or the analyser's version differ from those
analysed already (and the worker checks again before it analyses).
"""

from __future__ import annotations

from typing import Any

from glaneur.curation import events


def _ready(sender: Any, post_ids: list[int], **kwargs: Any) -> None:
    from django.conf import settings

    from .services import enrich_soon

    if settings.GLANEUR_ENRICH_POSTS:
        enrich_soon(post_ids)


def _changed(sender: Any, post_ids: list[int], **kwargs: Any) -> None:
    from django.conf import settings

    from .services import changed_texts, enrich_soon

    if settings.GLANEUR_ENRICH_POSTS and (changed := changed_texts(post_ids)):
        enrich_soon(changed)


def connect() -> None:
    events.posts_ready.connect(_ready, dispatch_uid="enrich-posts-ready")
    events.posts_changed.connect(_changed, dispatch_uid="enrich-posts-changed")
