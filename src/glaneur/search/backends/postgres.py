"""PostgreSQL: per shard, a side table with a ``tsvector`` of our tokens and a GIN index, ranked by
``ts_rank`` with the title in weight A. Stemming was done by our analyser, the same as
on SQLite: the vector is built from our tokens and queries go through the ``simple``
configuration, which only splits and lower-cases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ..query_language import Either, Node, Or, Phrase
from .base import Document
from .shards import ShardedBackend, table

# ts_rank's weights of D, C, B and A: the main text counts for little beside the title.
RANK_WEIGHTS = "0.1, 0.2, 0.4, 1.0"
LOCK_KEY = 0x676C616E  # pg_advisory_xact_lock key of the shard registry ("glan")
# Weights: A title; B summary, insight and tags; C site; D main text and filter keys.
FIELD_WEIGHTS = (
    ("title", "A"), ("summary", "B"), ("insight", "B"), ("tags", "B"), ("site", "C"),
    ("body", "D"), ("keys", "D"),
)  # fmt: skip
TOAST_TARGET = 8160  # the largest PostgreSQL allows: a row up to a page stays as it is
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


class PostgresBackend(ShardedBackend):
    # Small recent shards, large archive ones (shards.py; measured in bench/README.md).
    shard_size = 10_000
    archive_factor = 10

    def create_table(self, cursor: Any, number: int) -> None:
        name = table(number)
        # The vector stays in the row up to a full page (PostgreSQL compresses and moves
        # out of line whatever passes 2 kB by default, a third of the vectors): a search
        # reads thousands of vectors, and detoasting each halved its speed (bench/README.md).
        cursor.execute(
            f"CREATE TABLE {name} (rowid bigint PRIMARY KEY, "
            "topic_id bigint NOT NULL, document tsvector NOT NULL) "
            f"WITH (toast_tuple_target = {TOAST_TARGET})"
        )
        cursor.execute(f"ALTER TABLE {name} ALTER COLUMN document SET STORAGE MAIN")
        cursor.execute(f"CREATE INDEX {name}_topic ON {name} (topic_id, rowid)")
        if not self.bulk:  # a rebuild builds it once, at the end: several times faster
            self._index(cursor, number)

    def _index(self, cursor: Any, number: int) -> None:
        name = table(number)
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {name}_gin ON {name} USING gin (document)")

    def drop_table(self, cursor: Any, number: int) -> None:
        cursor.execute(f"DROP TABLE IF EXISTS {table(number)}")

    def copy_rows(self, cursor: Any, source: int, target: int) -> None:
        cursor.execute(
            f"INSERT INTO {table(target)} (rowid, topic_id, document) "  # noqa: S608
            f"SELECT rowid, topic_id, document FROM {table(source)}"
        )

    def lock_for_merge(self, cursor: Any, number: int) -> None:
        cursor.execute(f"LOCK TABLE {table(number)} IN EXCLUSIVE MODE")

    def lock_registry(self, cursor: Any) -> None:
        # Two writers must not both create (or one drop) the same new shard: the second
        # waits here, then sees the first one's shard in the registry.
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])

    def prepare(self, documents: Sequence[Document]) -> list[Document]:
        # Building the literal is most of a PostgreSQL write's Python work.
        return [replace(d, stored=tsvector_literal(d)) for d in documents]

    def write_rows(self, cursor: Any, number: int, documents: Sequence[Document]) -> None:
        cursor.executemany(
            f"INSERT INTO {table(number)} (rowid, topic_id, document) "  # noqa: S608
            "VALUES (%s, %s, %s::tsvector) ON CONFLICT (rowid) DO UPDATE "
            "SET topic_id = EXCLUDED.topic_id, document = EXCLUDED.document",
            [(d.post_id, d.topic_id, d.stored or tsvector_literal(d)) for d in documents],
        )

    def delete_rows(self, cursor: Any, number: int, post_ids: Sequence[int]) -> None:
        cursor.execute(
            f"DELETE FROM {table(number)} WHERE rowid = ANY(%s)",  # noqa: S608
            [list(post_ids)],
        )

    def finish_table(self, cursor: Any, number: int) -> None:
        self._index(cursor, number)
        cursor.execute(f"ANALYZE {table(number)}")

    def rank_sql(
        self, number: int, tree: Node, topic_id: int | None, limit: int
    ) -> tuple[str, list[Any]]:
        text = tsquery(tree)
        topic_filter = " AND topic_id = %s" if topic_id is not None else ""
        params: list[Any] = [text, text, *([topic_id] if topic_id is not None else []), limit]
        # The newest ``limit`` matches, each ranked as it is read: a walk of the newest
        # rows ranks only the rows that match; a bitmap of a small shard's matches ranks
        # them all, then keeps the newest. Measured against finding the newest by address
        # and reading them again to rank: 10.1 vs 12.0 ms a search's ranking on average
        # (that second read paid only in 50,000-post shards, bench/README.md).
        # ts_rank, not ts_rank_cd: the cover density costs about 10 µs a row for a query
        # of several words, five times ts_rank's.
        return (
            f"SELECT rowid AS post_id, ts_rank('{{{RANK_WEIGHTS}}}', document, "  # noqa: S608
            f"to_tsquery('simple', %s)) AS score FROM {table(number)} "
            f"WHERE document @@ to_tsquery('simple', %s){topic_filter} "
            "ORDER BY rowid DESC LIMIT %s",
            params,
        )
