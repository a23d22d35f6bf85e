"""Keep posts' places in step with their text: territories subscribes to curation's
``posts_changed`` (sent after the commit); the step itself skips a post whose text is
unchanged, so a pin or a view count costs one query in the worker."""

from __future__ import annotations

from typing import Any

from glaneur.curation import events


def _changed(sender: Any, post_ids: list[int], **kwargs: Any) -> None:
    from .services import locate_soon

    locate_soon(post_ids)


def connect() -> None:
    events.posts_changed.connect(_changed, dispatch_uid="territories-posts-changed")
