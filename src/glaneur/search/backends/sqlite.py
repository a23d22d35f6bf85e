"""SQLite FTS5: one virtual table of token columns per shard, ranked by bm25 with column
weights."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..analysis import topic_key
from ..query_language import Either, Node, Or, Phrase
from .base import Document
from .shards import ShardedBackend, table

COLUMNS = ("title", "summary", "insight", "body", "tags", "site", "keys")
# bm25 weights in column order: the title first, then tags and summary; keys only filter.
WEIGHTS = (10.0, 4.0, 3.0, 1.0, 5.0, 2.0, 0.0)


def match_expression(node: Node) -> str:
    """The FTS5 MATCH text for a query tree (tokens are letters and digits only)."""
    if isinstance(node, Phrase):
        phrase = '"' + " ".join(node.tokens) + '"'
        return f"keys : {phrase}" if node.tag else phrase
    if isinstance(node, Either):
        return "(" + " OR ".join(match_expression(option) for option in node.options) + ")"
    if isinstance(node, Or):
        return "(" + " OR ".join(match_expression(child) for child in node.children) + ")"
    expression = "(" + " AND ".join(match_expression(child) for child in node.include) + ")"
    if node.exclude:
        excluded = " OR ".join(match_expression(child) for child in node.exclude)
        expression = f"({expression} NOT ({excluded}))"
    return expression


class SqliteBackend(ShardedBackend):
    def create_table(self, cursor: Any, number: int) -> None:
        cursor.execute(
            f"CREATE VIRTUAL TABLE {table(number)} USING fts5({', '.join(COLUMNS)}, "
            "tokenize = 'unicode61 remove_diacritics 0')"
        )

    def drop_table(self, cursor: Any, number: int) -> None:
        cursor.execute(f"DROP TABLE IF EXISTS {table(number)}")

    def write_rows(self, cursor: Any, number: int, documents: Sequence[Document]) -> None:
        self.delete_rows(cursor, number, [d.post_id for d in documents])
        cursor.executemany(
            f"INSERT INTO {table(number)} (rowid, {', '.join(COLUMNS)}) "  # noqa: S608
            f"VALUES (%s, {', '.join(['%s'] * len(COLUMNS))})",
            [
                (d.post_id, d.title, d.summary, d.insight, d.body, d.tags, d.site, d.keys)
                for d in documents
            ],
        )

    def delete_rows(self, cursor: Any, number: int, post_ids: Sequence[int]) -> None:
        for start in range(0, len(post_ids), 500):
            chunk = list(post_ids[start : start + 500])
            cursor.execute(
                f"DELETE FROM {table(number)} "  # noqa: S608
                f"WHERE rowid IN ({', '.join(['%s'] * len(chunk))})",
                chunk,
            )

    def copy_rows(self, cursor: Any, source: int, target: int) -> None:
        columns = ", ".join(COLUMNS)
        cursor.execute(
            f"INSERT INTO {table(target)} (rowid, {columns}) "  # noqa: S608
            f"SELECT rowid, {columns} FROM {table(source)}"
        )

    def finish_table(self, cursor: Any, number: int) -> None:
        # Merge the table's segments into one: fewer b-trees to visit per query.
        name = table(number)
        cursor.execute(f"INSERT INTO {name} ({name}) VALUES ('optimize')")  # noqa: S608

    def rank_sql(
        self, number: int, tree: Node, topic_id: int | None, limit: int
    ) -> tuple[str, list[Any]]:
        expression = match_expression(tree)
        if topic_id is not None:
            expression = f'keys : "{topic_key(topic_id)}" AND {expression}'
        name = table(number)
        weights = ", ".join(str(w) for w in WEIGHTS)
        # FTS5 walks matches newest first and stops at the limit: bm25() scores at most
        # ``limit`` rows. Before the first one it counts every match of each phrase in
        # the table (its IDF): that count is what the shards bound.
        return (
            f"SELECT rowid AS post_id, -bm25({name}, {weights}) AS score FROM {name} "  # noqa: S608
            f"WHERE {name} MATCH %s ORDER BY rowid DESC LIMIT %s",
            [expression, limit],
        )
