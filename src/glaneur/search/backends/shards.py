"""The index in time shards: one table per range of consecutive post ids.

Why: ranking functions read statistics of the whole table before they score a row
(FTS5's ``bm25()`` counts every match of each phrase for its IDF; PostgreSQL scans every
match of a middling word to find the newest ones). In a single table that work grows with
the corpus: at 1,000,000 posts a common word cost 40–80 ms. Search ranks the newest
matches first anyway (``GLANEUR_SEARCH_CANDIDATES``), so it now asks the newest shard
first and goes back in time only while it lacks candidates: the work of a query is bounded
by a shard's size, whatever the size of the whole index. SQLite's scores come from each
shard's own statistics, and its shards are large enough (50,000 posts) for those to agree;
PostgreSQL's ``ts_rank`` reads the row alone.

Shards come in two sizes. New posts land in shards of ``shard_size`` ids; a rebuild puts
all but the newest ``recent_posts`` in archive shards ``archive_factor`` times larger. Why
(measured on PostgreSQL, bench/README.md): finding the newest matches of a middling word
costs either a walk of 1,000 / frequency rows or a read of every match in the shard, so the
worst case grows with the square root of the size of the shard a search starts in: the
newest shards are small. Older shards are read only for rarer words, where the cost is per
shard (planning, one index lookup): they are large. SQLite keeps one size (its ``bm25()``
counts every match of a term in a shard, which archive shards would make long again).

Which shards exist, and the ids each holds (``start`` to ``stop`` − 1, both multiples of
``shard_size``), is written in ``search_shard`` (a model, so a test flush empties it): a
shard table that exists but is not listed there holds nothing valid and is replaced.
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from heapq import nlargest
from operator import itemgetter
from typing import Any, TypeVar

from django.db import DatabaseError, connection, transaction

from ..query_language import Node
from .base import Document

logger = logging.getLogger(__name__)

_T = TypeVar("_T")
REGISTRY = "search_shard"
TABLE_PREFIX = "search_index_"


def again_if_a_shard_went_away(doing: str, run: Callable[[], _T]) -> _T:
    """``run()``, once more if it failed on the database: a rebuild or a merge dropped a
    shard between its read of the registry and its use of the shard (a search), or while
    it waited for the shard's lock (an index write); the second run reads the registry
    again. Inside a transaction the error stands (PostgreSQL has aborted it)."""
    try:
        return run()
    except DatabaseError:
        if connection.in_atomic_block:
            raise
        logger.info("a shard went away during %s: once more", doing)
        return run()


def _best_first(hit: tuple[int, float]) -> tuple[float, int]:
    """Higher score first, then the newer post."""
    return hit[1], hit[0]


def table(number: int) -> str:
    return f"{TABLE_PREFIX}{int(number)}"


class ShardedBackend:
    """What both back ends share: routing rows to shards, the registry, the newest-first
    walk of a search. Subclasses say how one shard table is made, written and queried."""

    shard_size = 50_000  # ids per shard for new posts (10,000 on PostgreSQL)
    archive_factor = 1  # a rebuild's archive shards hold this many times more
    recent_posts = 50_000  # at least the newest this many stay in small shards at a rebuild
    # A search asks the newest 2 shards, then if it lacks candidates the next 8, then all
    # the others: at most three statements, each planned only when needed.
    batches = (2, 8)

    def __init__(self) -> None:
        self.bulk = False  # inside a rebuild: tables made without their search index
        self.archive_below = 0  # inside a rebuild: ids below go to archive shards

    @property
    def archive_size(self) -> int:
        return self.shard_size * self.archive_factor

    def _archive_end(self, newest_id: int) -> int:
        """Where the archive ranges stop: all of them below the newest ``recent_posts``."""
        size = self.archive_size
        return max(0, newest_id - self.recent_posts) // size * size

    def _new_range(self, post_id: int, taken: list[tuple[int, int, int]]) -> tuple[int, int]:
        """The ids of the shard to make for ``post_id`` (in no shard yet): its archive
        range during a rebuild if no shard holds any of it, else its ``shard_size`` cell
        (never held, since every range is made of whole cells)."""
        if post_id < self.archive_below:
            size = self.archive_size
            start = post_id // size * size
            if not any(lo < start + size and start < hi for lo, hi, _ in taken):
                return start, start + size
        start = post_id // self.shard_size * self.shard_size
        return start, start + self.shard_size

    # --- per-shard operations (the vendor's SQL) ---------------------------------------

    def create_table(self, cursor: Any, number: int) -> None:
        raise NotImplementedError

    def drop_table(self, cursor: Any, number: int) -> None:
        raise NotImplementedError

    def write_rows(self, cursor: Any, number: int, documents: Sequence[Document]) -> None:
        raise NotImplementedError

    def delete_rows(self, cursor: Any, number: int, post_ids: Sequence[int]) -> None:
        raise NotImplementedError

    def finish_table(self, cursor: Any, number: int) -> None:
        """After a rebuild: merge or index the table, refresh its statistics."""
        raise NotImplementedError

    def rank_sql(
        self, number: int, tree: Node, topic_id: int | None, limit: int
    ) -> tuple[str, list[Any]]:
        """A SELECT of ``(post_id, score)`` for the ``limit`` newest matches in one shard."""
        raise NotImplementedError

    def copy_rows(self, cursor: Any, source: int, target: int) -> None:
        """Every row of shard ``source`` into shard ``target`` (a merge)."""
        raise NotImplementedError

    def lock_registry(self, cursor: Any) -> None:
        """Serialise the creation of shards between writers (SQLite's writes already are)."""

    def lock_for_merge(self, cursor: Any, number: int) -> None:
        """Keep writers out of a shard being merged (readers go on); SQLite's transaction
        already holds the only write lock."""

    # --- the registry -------------------------------------------------------------------

    def shards(self, cursor: Any) -> list[int]:
        """The shards in use, newest first."""
        cursor.execute(f"SELECT number FROM {REGISTRY} ORDER BY start DESC")  # noqa: S608
        return [int(number) for (number,) in cursor.fetchall()]

    def ranges(self, cursor: Any) -> list[tuple[int, int, int]]:
        """``(start, stop, number)`` of the shards in use, oldest first."""
        cursor.execute(f"SELECT start, stop, number FROM {REGISTRY} ORDER BY start")  # noqa: S608
        return [(int(lo), int(hi), int(number)) for lo, hi, number in cursor.fetchall()]

    @staticmethod
    def _find(ranges: list[tuple[int, int, int]], post_id: int) -> int | None:
        i = bisect_right(ranges, post_id, key=itemgetter(0)) - 1
        return ranges[i][2] if i >= 0 and post_id < ranges[i][1] else None

    def number_of(self, post_id: int) -> int | None:
        """The shard holding ``post_id``'s row, if any holds its id."""
        with connection.cursor() as cursor:
            return self._find(self.ranges(cursor), post_id)

    def _route(self, cursor: Any, post_ids: Iterable[int]) -> dict[int, list[int]]:
        """Shard number → the ids among ``post_ids`` it holds, making the shards missing."""
        ids = list(post_ids)
        ranges = self.ranges(cursor)
        if any(self._find(ranges, post_id) is None for post_id in ids):
            # Two writers must not both make (or one drop) the same new shard: the second
            # waits here, then sees the first one's shard in the registry.
            self.lock_registry(cursor)
            ranges = self.ranges(cursor)
            for post_id in sorted(ids):
                if self._find(ranges, post_id) is None:
                    start, stop = self._new_range(post_id, ranges)
                    number = self._make(cursor, start, stop, ranges)
                    ranges = sorted([*ranges, (start, stop, number)])
        groups: dict[int, list[int]] = defaultdict(list)
        for post_id in ids:
            groups[self._find(ranges, post_id)].append(post_id)  # type: ignore[index]
        return groups

    def _make(self, cursor: Any, start: int, stop: int, ranges: list[tuple[int, int, int]]) -> int:
        """A new shard for ids ``start`` to ``stop`` − 1, numbered after every one of
        ``ranges``, listed in the registry; returns its number."""
        number = max((n for _, _, n in ranges), default=-1) + 1
        self.drop_table(cursor, number)  # left over from before a flush, if anything
        self.create_table(cursor, number)
        cursor.execute(
            f"INSERT INTO {REGISTRY} (number, start, stop) VALUES (%s, %s, %s)",  # noqa: S608
            [number, start, stop],
        )
        return number

    # --- the Backend protocol -----------------------------------------------------------

    def prepare(self, documents: Sequence[Document]) -> list[Document]:
        return list(documents)

    def write(self, documents: Sequence[Document]) -> None:
        if not documents:
            return
        by_id = {document.post_id: document for document in documents}
        with connection.cursor() as cursor:
            for number, ids in self._route(cursor, by_id).items():
                self.write_rows(cursor, number, [by_id[post_id] for post_id in ids])

    def delete(self, post_ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            ranges = self.ranges(cursor)
            groups: dict[int, list[int]] = defaultdict(list)
            for post_id in post_ids:
                number = self._find(ranges, post_id)
                if number is not None:
                    groups[number].append(post_id)
            for number, ids in groups.items():
                self.delete_rows(cursor, number, ids)

    def clear(self) -> None:
        with connection.cursor() as cursor:
            self.lock_registry(cursor)
            for number in self.shards(cursor):
                self.drop_table(cursor, number)
            cursor.execute(f"DELETE FROM {REGISTRY}")  # noqa: S608

    def begin_rebuild(self, newest_id: int = 0) -> None:
        self.clear()
        self.bulk = True
        self.archive_below = self._archive_end(newest_id)

    def end_rebuild(self) -> None:
        self.bulk = False
        self.archive_below = 0
        with connection.cursor() as cursor:
            for number in self.shards(cursor):
                self.finish_table(cursor, number)

    def _cells(self, ranges: list[tuple[int, int, int]], newest_id: int) -> list[int]:
        """The starts of the archive ranges that hold two small shards or more and lie
        wholly below the newest ``recent_posts`` ids."""
        size = self.archive_size
        if size <= self.shard_size:
            return []
        end = self._archive_end(newest_id)
        small = Counter(lo // size * size for lo, hi, _ in ranges if hi - lo < size)
        return sorted(cell for cell, count in small.items() if count > 1 and cell + size <= end)

    def mergeable(self, newest_id: int) -> bool:
        with connection.cursor() as cursor:
            return bool(self._cells(self.ranges(cursor), newest_id))

    def merge(self, newest_id: int) -> int:
        """Gather the small shards of posts older than the newest ``recent_posts`` into
        archive shards, as a rebuild lays them out; returns how many were made. Between
        rebuilds new posts fill small shards, and each costs a search for a rare word its
        planning and an index lookup: the worker runs this hourly (``services``)."""
        with connection.cursor() as cursor:
            cells = self._cells(self.ranges(cursor), newest_id)
        return sum(self._merge_cell(cell, cell + self.archive_size) for cell in cells)

    def _merge_cell(self, start: int, stop: int) -> int:
        # One transaction a cell: writers to these posts wait a few seconds at most (the
        # copy and the new table's index), searches go on reading the small shards until
        # the commit, then find the archive one (``rank`` asks again if a shard went away).
        with transaction.atomic(), connection.cursor() as cursor:
            self.lock_registry(cursor)
            ranges = self.ranges(cursor)
            # Newest first, the order in which a search's statement locks the shards it
            # reads: taken in the other order, a search holding one shard and waiting
            # for the next while the merge drops them is a deadlock (measured).
            inside = [r for r in reversed(ranges) if start <= r[0] and r[1] <= stop]
            crossing = [r for r in ranges if r[0] < stop and start < r[1] and r not in inside]
            if len(inside) < 2 or crossing:
                return 0
            numbers = [number for _, _, number in inside]
            for number in numbers:
                self.lock_for_merge(cursor, number)
            # Others see the registry change at the commit only.
            cursor.execute(
                f"DELETE FROM {REGISTRY} WHERE number IN ({', '.join(['%s'] * len(numbers))})",  # noqa: S608
                numbers,
            )
            self.bulk, bulk = True, self.bulk  # the index built once, after the copy
            try:
                target = self._make(cursor, start, stop, ranges)
            finally:
                self.bulk = bulk
            for number in numbers:
                self.copy_rows(cursor, number, target)
            # Indexed before the small shards are dropped: dropping waits for the searches
            # reading them and holds the next ones until the commit, which is then near.
            self.finish_table(cursor, target)
            for number in numbers:
                self.drop_table(cursor, number)
        logger.info("search shards %s merged into %s (%d–%d)", numbers, target, start, stop)
        return 1

    def rank(
        self, tree: Node, *, topic_id: int | None, limit: int, best: int | None = None
    ) -> list[tuple[int, float]]:
        return again_if_a_shard_went_away(
            "a search", lambda: self._rank(tree, topic_id, limit, best or limit)
        )

    def _rank(
        self, tree: Node, topic_id: int | None, limit: int, best: int
    ) -> list[tuple[int, float]]:
        # The newest shards first (the newest may hold only a few posts), then older ones
        # only while candidates are lacking: a common word reads one or two shards, and
        # only a rare one has all of them planned.
        with connection.cursor() as cursor:
            numbers = self.shards(cursor)
            found: list[tuple[int, float]] = []
            candidates = start = 0
            for size in (*self.batches, len(numbers)):
                if candidates >= limit or start >= len(numbers):
                    break
                batch = numbers[start : start + size]
                rows, count = self._rank_in(cursor, batch, tree, topic_id, limit - candidates, best)
                # Each statement's best are among the best of its own candidates.
                found = nlargest(best, found + rows, key=_best_first) if found else rows
                candidates += count
                start += size
            return found

    def _rank_in(
        self,
        cursor: Any,
        numbers: list[int],
        tree: Node,
        topic_id: int | None,
        limit: int,
        best: int,
    ) -> tuple[list[tuple[int, float]], int]:
        """The ``best`` of the ``limit`` newest matches in these shards, best first, and
        how many matches there were (up to ``limit``)."""
        # One statement for several shards: SQLite and PostgreSQL both run the arms of a
        # UNION ALL in order and stop once its LIMIT is met, so the older shards are not
        # read at all when the newer ones hold enough matches. The database keeps the best
        # (a thousand rows sent and sorted in Python cost half a millisecond more).
        if not numbers:
            return [], 0
        arms, params = [], []
        for number in numbers:
            sql, arm_params = self.rank_sql(number, tree, topic_id, limit)
            arms.append(f"SELECT * FROM ({sql}) AS shard_{number}")  # noqa: S608
            params += arm_params
        cursor.execute(
            "SELECT post_id, score, COUNT(*) OVER () FROM ("  # noqa: S608
            + " UNION ALL ".join(arms)
            + " LIMIT %s) AS candidates ORDER BY score DESC, post_id DESC LIMIT %s",
            [*params, limit, best],
        )
        rows = cursor.fetchall()
        return [(post_id, score) for post_id, score, _ in rows], (rows[0][2] if rows else 0)

    def indexed(self) -> set[int]:
        """Every post id in the index (for tests and checks: reads the whole index)."""
        ids: set[int] = set()
        with connection.cursor() as cursor:
            for number in self.shards(cursor):
                cursor.execute(f"SELECT rowid FROM {table(number)}")  # noqa: S608
                ids.update(int(post_id) for (post_id,) in cursor.fetchall())
        return ids
