"""SQLite FTS5: a virtual table of token columns, ranked by bm25 with column weights."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from ..analysis import topic_key
from ..query import Either, Node, Or, Phrase
from .base import Document

TABLE = "search_entry"
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


class SqliteBackend:
    def write(self, documents: Sequence[Document]) -> None:
        if not documents:
            return
        with connection.cursor() as cursor:
            self._delete(cursor, [d.post_id for d in documents])
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, {', '.join(COLUMNS)}) "  # noqa: S608
                f"VALUES (%s, {', '.join(['%s'] * len(COLUMNS))})",
                [
                    (d.post_id, d.title, d.summary, d.insight, d.body, d.tags, d.site, d.keys)
                    for d in documents
                ],
            )

    def delete(self, post_ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            self._delete(cursor, post_ids)

    def _delete(self, cursor: object, post_ids: Sequence[int]) -> None:
        for start in range(0, len(post_ids), 500):
            chunk = list(post_ids[start : start + 500])
            cursor.execute(  # type: ignore[attr-defined]
                f"DELETE FROM {TABLE} WHERE rowid IN ({', '.join(['%s'] * len(chunk))})",  # noqa: S608
                chunk,
            )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608

    def begin_rebuild(self) -> None:
        self.clear()

    def end_rebuild(self) -> None:
        # Merge the index's segments into one: fewer b-trees to visit per query.
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')")  # noqa: S608

    def rank(self, tree: Node, *, topic_id: int | None, limit: int) -> list[tuple[int, float]]:
        expression = match_expression(tree)
        if topic_id is not None:
            expression = f'keys : "{topic_key(topic_id)}" AND {expression}'
        weights = ", ".join(str(w) for w in WEIGHTS)
        # FTS5 walks matches newest first and stops at the limit: bm25 is computed for
        # at most ``limit`` rows. But before the first row bm25() counts every match of
        # each phrase in the whole index (its IDF, through xQueryPhrase): that count, not
        # the limit, is what a common word costs, in proportion to the corpus.
        sql = (
            f"SELECT rowid AS post_id, -bm25({TABLE}, {weights}) AS score "  # noqa: S608
            f"FROM {TABLE} WHERE {TABLE} MATCH %s ORDER BY rowid DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [expression, limit])
            return [(int(post_id), float(score)) for post_id, score in cursor.fetchall()]
