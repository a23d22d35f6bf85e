"""What other apps attach to a post in the Glaneur JSON format (a post's places, its actors
and quotes…): each registers how to export it, check it and restore it, from its
``AppConfig.ready``. The transfer app imports none of them.

In a file, an extra is one more key of each post: ``"places": [...]``. Import checks every
post's extras with the rest of the file (nothing is written when one is wrong), then
restores them once the posts of a batch exist, in the batch's transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PostExtra:
    name: str  # its key in each post of the file
    export: Callable[[list[int]], dict[int, Any]]  # post ids -> value, for posts having one
    check: Callable[[Any], None]  # raises ValueError, in words, on a value it cannot restore
    restore: Callable[[dict[int, Any]], None]  # new post id -> value


_extras: dict[str, PostExtra] = {}


def register_post_extra(extra: PostExtra) -> None:
    _extras[extra.name] = extra


def post_extras() -> list[PostExtra]:
    return list(_extras.values())


def names() -> set[str]:
    return set(_extras)
