"""Analyse posts when they are ready or change: enrich subscribes to curation's events.

A post changed by something other than its text (a comment count, a tag) costs a query: the
analysis is skipped when the text and the analyser's version are those analysed already.
"""

from __future__ import annotations

from typing import Any

from glaneur.curation import events


def _posts(sender: Any, post_ids: list[int], **kwargs: Any) -> None:
    from django.conf import settings

    from .services import enrich_soon

    if settings.GLANEUR_ENRICH_POSTS:
        enrich_soon(post_ids)


def connect() -> None:
    events.posts_ready.connect(_posts, dispatch_uid="enrich-posts-ready")
    events.posts_changed.connect(_posts, dispatch_uid="enrich-posts-changed")
