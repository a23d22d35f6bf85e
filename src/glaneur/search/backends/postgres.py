"""PostgreSQL: a side table with a ``tsvector`` of our tokens and a GIN index, ranked by
``ts_rank_cd`` with the title in weight A. Stemming was done by our analyser, the same as
on SQLite: the vector is built from our tokens and queries go through the ``simple``
configuration, which only splits and lower-cases."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

from ..query import Either, Node, Or, Phrase
from .base import Document

TABLE = "search_entry"
INDEX = "search_entry_document_gin"
# Weights: A title; B summary, insight and tags; C site; D main text and filter keys.
FIELD_WEIGHTS = (
    ("title", "A"), ("summary", "B"), ("insight", "B"), ("tags", "B"), ("site", "C"),
    ("body", "D"), ("keys", "D"),
)  # fmt: skip
MAX_POSITION = 16383  # PostgreSQL's limits for a tsvector
MAX_POSITIONS_PER_LEXEME = 256


def tsvector_literal(document: Document) -> str:
    """The document as a tsvector literal with weighted positions, built here rather than
    by seven to_tsvector() calls: several times faster to load. A gap between fields keeps
    a phrase from running across two of them."""
    positions: dict[str, list[str]] = {}
    position = 1
    for name, weight in FIELD_WEIGHTS:
        for token in getattr(document, name).split():
            found = positions.setdefault(token, [])
            if len(found) < MAX_POSITIONS_PER_LEXEME:
                found.append(f"{min(position, MAX_POSITION)}{weight}")
            position += 1
        position += 1
    return " ".join(f"'{token}':{','.join(where)}" for token, where in positions.items())


def tsquery(node: Node) -> str:
    """The to_tsquery text for a query tree (tokens are letters and digits only)."""
    if isinstance(node, Phrase):
        return "(" + " <-> ".join(f"'{token}'" for token in node.tokens) + ")"
    if isinstance(node, Either):
        return "(" + " | ".join(tsquery(option) for option in node.options) + ")"
    if isinstance(node, Or):
        return "(" + " | ".join(tsquery(child) for child in node.children) + ")"
    parts = [tsquery(child) for child in node.include]
    parts += [f"!{tsquery(child)}" for child in node.exclude]
    return "(" + " & ".join(parts) + ")"


class PostgresBackend:
    def write(self, documents: Sequence[Document]) -> None:
        if not documents:
            return
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, topic_id, document) "  # noqa: S608
                "VALUES (%s, %s, %s::tsvector) ON CONFLICT (rowid) DO UPDATE "
                "SET topic_id = EXCLUDED.topic_id, document = EXCLUDED.document",
                [(d.post_id, d.topic_id, tsvector_literal(d)) for d in documents],
            )

    def delete(self, post_ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE rowid = ANY(%s)", [list(post_ids)])  # noqa: S608

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {TABLE}")

    def begin_rebuild(self) -> None:
        # Loading first and building the GIN index once is several times faster.
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {TABLE}")
            cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")

    def end_rebuild(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON {TABLE} USING gin (document)")
            cursor.execute(f"ANALYZE {TABLE}")

    def rank(self, tree: Node, *, topic_id: int | None, limit: int) -> list[tuple[int, float]]:
        text = tsquery(tree)
        topic_filter = " AND m.topic_id = %s" if topic_id is not None else ""
        params: list[Any] = [text, *([topic_id] if topic_id is not None else []), limit, text]
        # The newest ``limit`` matches first, ranked afterwards: ts_rank_cd reads each row's
        # tsvector, so it must not run on every match of a common word.
        sql = (
            "SELECT e.rowid AS post_id, ts_rank_cd(e.document, q.query) AS score "  # noqa: S608
            f"FROM (SELECT m.rowid FROM {TABLE} m "
            f"WHERE m.document @@ to_tsquery('simple', %s){topic_filter} "
            "ORDER BY m.rowid DESC LIMIT %s) newest "
            f"JOIN {TABLE} e ON e.rowid = newest.rowid "
            "CROSS JOIN to_tsquery('simple', %s) AS q(query)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [(int(post_id), float(score)) for post_id, score in cursor.fetchall()]
