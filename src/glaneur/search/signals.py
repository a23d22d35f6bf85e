"""Keep the index in step with posts: search subscribes to curation's ``posts_changed``.

The event comes once the transaction that changed the posts has committed, in one batch: a
transaction that saves a thousand posts indexes them together, after the commit, so the
index never holds what was rolled back, and the indexing runs in the worker
(``services.index_soon``): neither the request nor any write transaction waits for it.
"""

from __future__ import annotations

from typing import Any

from glaneur.curation import events


def _changed(sender: Any, post_ids: list[int], **kwargs: Any) -> None:
    from .services import index_soon

    index_soon(post_ids)


def connect() -> None:
    events.posts_changed.connect(_changed, dispatch_uid="search-posts-changed")
