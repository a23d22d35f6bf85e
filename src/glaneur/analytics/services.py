"""View counting: one atomic upsert per counter and view, so concurrent requests never lose
one, and a busy database never turns a page view into an error.

A reader's request waits at most VIEW_WRITE_WAIT for the write lock (SQLite: another process
importing; PostgreSQL: a lock on the counter rows). Counts it could not write are kept in
this process and written by a background thread as soon as the lock is released, by the next
view, or when the process exits.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, nullcontext
from datetime import date, timedelta
from typing import Literal

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, connections, transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from glaneur.curation.models import Post, Topic
from glaneur.ratelimit import client_address, consume

from .models import PostDailyClicks, PostDailyViews, TopicDailyViews

logger = logging.getLogger(__name__)

# Crawlers, link previewers and monitors that announce themselves.
BOT_PATTERN = re.compile(
    r"bot|crawl|spider|slurp|facebookexternalhit|embedly|preview|monitor|pingdom|"
    r"uptime|curl/|wget/|python-requests|python-urllib|httpx|go-http-client|feedfetcher|"
    r"lighthouse|java/|okhttp|libwww-perl|scrapy",
    re.IGNORECASE,
)

# Seconds a reader's request waits for the write lock before keeping its view for later.
VIEW_WRITE_WAIT = 0.5
# Seconds before the background thread tries the kept views again (doubled while it fails).
RETRY_DELAY = 1.0
RETRY_DELAY_MAX = 60.0
# What the process's exit waits, at most, to write the views it still holds.
EXIT_WAIT = 5.0

# A client address's click on a post counts once in this window (its key holds the day).
CLICK_WINDOW = 24 * 3600

Kind = Literal["topic", "post", "click"]
CounterKey = tuple[Kind, int, date]
COUNTERS: dict[Kind, tuple[type[TopicDailyViews | PostDailyViews | PostDailyClicks], str]] = {
    "topic": (TopicDailyViews, "topic_id"),
    "post": (PostDailyViews, "post_id"),
    "click": (PostDailyClicks, "post_id"),
}

_pending: Counter[CounterKey] = Counter()
_pending_lock = threading.Lock()
_retry_timer: threading.Timer | None = None


def is_bot(user_agent: str) -> bool:
    return not user_agent or BOT_PATTERN.search(user_agent) is not None


def today() -> date:
    """Days are counted in the site's time zone (TIME_ZONE), as readers live in it."""
    return timezone.localdate()


def _increment(kind: Kind, key: int, day: date, count: int) -> None:
    # A read-then-write in Python would lose views between the read and the write; one
    # INSERT … ON CONFLICT … DO UPDATE is atomic on SQLite (≥ 3.24) and PostgreSQL alike.
    # Table and column names come from the models, never from input.
    model, key_column = COUNTERS[kind]
    quote = connection.ops.quote_name
    table, column = quote(model._meta.db_table), quote(key_column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({column}, day, count) VALUES (%s, %s, %s) "  # noqa: S608
            f"ON CONFLICT ({column}, day) DO UPDATE SET count = {table}.count + %s",
            [key, day, count, count],
        )


@contextmanager
def _sqlite_busy_wait(seconds: float | None) -> Iterator[None]:
    """SQLite: wait at most ``seconds`` for another connection's write lock."""
    if seconds is None or connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {previous}")


@contextmanager
def _write_transaction(wait: float | None) -> Iterator[None]:
    if connection.vendor == "postgresql":
        with transaction.atomic():
            if wait is not None:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT set_config('lock_timeout', %s, true)", [f"{int(wait * 1000)}ms"]
                    )
            yield
        return
    # SQLite: one statement is its own transaction, which waits only the busy timeout (a
    # BEGIN would be tried again for seconds); inside a transaction, a savepoint.
    with transaction.atomic() if connection.in_atomic_block else nullcontext():
        yield


def _write(counts: Mapping[CounterKey, int], *, wait: float | None) -> Counter[CounterKey]:
    """Add ``counts`` to the counters; returns what the database was too busy to take."""
    left: Counter[CounterKey] = Counter()
    if not counts:
        return left
    with _sqlite_busy_wait(wait):
        for key, count in counts.items():
            if left:  # busy for one counter: do not wait again for each of the others
                left[key] += count
                continue
            try:
                with _write_transaction(wait):
                    _increment(*key, count)
            except IntegrityError:
                logger.info("%d views of deleted %s %s dropped", count, key[0], key[1])
            except OperationalError as error:
                logger.warning("views kept for later, the database is busy: %s", error)
                left[key] += count
    return left


def _take_pending() -> Counter[CounterKey]:
    with _pending_lock:
        taken = _pending.copy()
        _pending.clear()
    return taken


def _keep(counts: Counter[CounterKey], delay: float | None = None) -> None:
    """Hold counts in this process and make sure a background thread writes them."""
    global _retry_timer
    delay = RETRY_DELAY if delay is None else delay
    with _pending_lock:
        _pending.update(counts)
        if _retry_timer is None:
            _retry_timer = threading.Timer(delay, _retry, kwargs={"delay": delay})
            _retry_timer.daemon = True
            _retry_timer.start()


def _retry(delay: float) -> None:
    global _retry_timer
    with _pending_lock:
        _retry_timer = None
    try:
        # The connection's own busy timeout: written as soon as the lock is released.
        left = _write(_take_pending(), wait=None)
    except Exception:
        logger.exception("kept views could not be written")
        left = Counter()
    finally:
        connections.close_all()  # this thread's connections only
    if left:
        _keep(left, delay=min(delay * 2, RETRY_DELAY_MAX))


def flush_pending_views(wait: float | None = EXIT_WAIT) -> bool:
    """Write the views this process still holds; True when none is left."""
    global _retry_timer
    left = _write(_take_pending(), wait=wait)
    if left:
        _keep(left)
        return False
    with _pending_lock:
        if _retry_timer is not None and not _pending:  # nothing left for it to write
            _retry_timer.cancel()
            _retry_timer = None
    return True


def pending_views() -> int:
    """How many views this process holds, not yet written."""
    with _pending_lock:
        return sum(_pending.values())


def record_view(request: HttpRequest, topic: Topic, post: Post | None = None) -> bool:
    """Count one view of a topic page (and of a post page); bots and non-GETs are not counted.

    Returns whether the view was counted (written at once, or kept until the database can
    take it).
    """
    # HEAD comes from monitors and link checkers, not from readers.
    if request.method != "GET" or is_bot(request.headers.get("User-Agent", "")):
        return False
    day = today()
    counts: Counter[CounterKey] = Counter({("topic", topic.pk, day): 1})
    if post is not None:
        counts[("post", post.pk, day)] += 1
    counts.update(_take_pending())
    left = _write(counts, wait=VIEW_WRITE_WAIT)
    if left:
        _keep(left)
    return True


def record_click(request: HttpRequest, post: Post) -> bool:
    """Count a reader following ``post``'s link to its source (the browser's ping): once per
    client address, post and day, at most GLANEUR_CLICK_RATE posts per address and hour;
    bots are not counted. Returns whether the click was counted.

    Nothing is stored about the reader: the address only keys a counter of the shared cache
    (hashed, glaneur.ratelimit) that expires with the day's window.
    """
    if is_bot(request.headers.get("User-Agent", "")):
        return False
    day = today()
    address = client_address(request)
    if not consume("click", f"{address}|{post.pk}|{day.isoformat()}", limit=1, per=CLICK_WINDOW):
        return False  # this address's click on this post is counted already today
    if not consume("clicks", address, limit=settings.GLANEUR_CLICK_RATE, per=3600):
        return False
    counts: Counter[CounterKey] = Counter({("click", post.pk, day): 1})
    counts.update(_take_pending())
    left = _write(counts, wait=VIEW_WRITE_WAIT)
    if left:
        _keep(left)
    return True


def topic_view_counts(topic: Topic) -> tuple[int, int]:
    """(total including historical views, views today) in one query.

    Written in SQL: every topic page asks, and building the ORM's aggregate cost ten times
    its run (bench/README.md, "Where a signed-in topic page's time goes")."""
    day = connection.ops.adapt_datefield_value(today())
    quote = connection.ops.quote_name  # names from the model, never from input
    table, count, on = quote(TopicDailyViews._meta.db_table), quote("count"), quote("day")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE(SUM({count}), 0), "  # noqa: S608
            f"COALESCE(SUM(CASE WHEN {on} = %s THEN {count} ELSE 0 END), 0) FROM {table} "
            f"WHERE {quote('topic_id')} = %s",
            [day, topic.pk],
        )
        total, views_today = cursor.fetchone()
    return topic.historical_views + int(total), int(views_today)


def post_view_count(post: Post) -> int:
    """A post's views, historical ones included, in one query."""
    total = PostDailyViews.objects.filter(post=post).aggregate(total=Sum("count"))["total"]
    return post.historical_views + (total or 0)


def daily_series(topic: Topic, *, days: int = 30) -> list[tuple[date, int]]:
    """The last ``days`` days of a topic's views (today included), zero-filled, oldest first."""
    end = today()
    start = end - timedelta(days=days - 1)
    counts = dict(
        TopicDailyViews.objects.filter(topic=topic, day__gte=start, day__lte=end).values_list(
            "day", "count"
        )
    )
    return [(start + timedelta(n), counts.get(start + timedelta(n), 0)) for n in range(days)]
