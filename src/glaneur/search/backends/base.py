"""What a back end does: store documents of tokens, find and rank candidates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ..query_language import Node


@dataclass(frozen=True)
class Document:
    """A post as the index sees it: space-separated normalised tokens per field."""

    post_id: int
    topic_id: int
    title: str
    summary: str
    insight: str
    body: str
    tags: str
    site: str
    keys: str  # one token per tag ("tag…") and the topic's ("topic…"): filters only
    stored: str = ""  # the back end's stored form, when prepared ahead (``Backend.prepare``)


class Backend(Protocol):
    def prepare(self, documents: Sequence[Document]) -> list[Document]:
        """The documents with whatever ``write()`` would compute from them: a rebuild runs
        this in its worker processes, so that the writing process only writes."""
        ...

    def write(self, documents: Sequence[Document]) -> None:
        """Insert or replace these posts' rows."""

    def delete(self, post_ids: Sequence[int]) -> None: ...

    def clear(self) -> None: ...

    def begin_rebuild(self, newest_id: int = 0) -> None:
        """Empty the index before a full rebuild of posts up to ``newest_id`` (and make
        bulk loading fast)."""

    def end_rebuild(self) -> None:
        """Finish a rebuild (merge segments, build indexes, refresh statistics)."""

    def mergeable(self, newest_id: int) -> bool:
        """Whether ``merge`` has small shards to gather."""
        ...

    def merge(self, newest_id: int) -> int:
        """Gather small shards of older posts into archive shards; how many were made."""
        ...

    def rank(
        self, tree: Node, *, topic_id: int | None, limit: int, best: int | None = None
    ) -> list[tuple[int, float]]:
        """``(post_id, score)`` of the ``best`` (default: all) highest scores among the
        ``limit`` newest posts matching ``tree``, highest first, then the newest."""
        ...

    def indexed(self) -> set[int]:
        """Every post id in the index (tests and checks: reads the whole index)."""
        ...
