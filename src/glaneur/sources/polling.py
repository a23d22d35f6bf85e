"""Polling the sources politely: one worker per source (a claimed row), conditional GETs
through the SSRF-safe fetcher (outside any transaction), an interval that follows the
feed's publishing frequency but never goes below what it asks (ttl, max-age, Expires),
Retry-After honoured even by "poll now", exponential backoff on errors (never given up),
robots.txt for web pages, and at most GLANEUR_POLL_PER_HOST requests per host at once while
a round polls GLANEUR_POLL_THREADS sources at once."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import queue
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import zip_longest
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext

from glaneur.curation.models import Topic
from glaneur.ingest.fetch import FetchResult, fetch
from glaneur.ingest.fetch_errors import FetchError
from glaneur.ingest.fetch_errors import retry_after as retry_after_seconds

from . import candidates, robots, schedule
from .feeds import FEED_TYPES, FeedError, parse
from .items import Item
from .models import Source

logger = logging.getLogger(__name__)

WEEK = timedelta(days=7)
POLLED_KINDS = (Source.Kind.FEED, Source.Kind.PAGE)


@dataclass(frozen=True)
class PollOutcome:
    """What one poll of one source did."""

    source_id: int
    # "new" (fetched and read), "not_modified" (304), "failed" (error in words),
    # "skipped" (claimed by another worker, not due, Retry-After not passed, not polled)
    state: str
    created: int = 0  # new candidates
    found: int = 0  # items the source listed
    error: str = ""


class _HostSlots:
    """At most ``GLANEUR_POLL_PER_HOST`` requests at once to one host from all the worker
    processes of this machine: slot *i* of a host is a lock file under
    ``GLANEUR_POLL_LOCK_DIR``, held with ``flock`` while a request runs, so the kernel frees
    the slots of a worker killed mid-request; the threads of one process queue on a
    semaphore first, to spare the files. (Workers on other machines keep their own count.)"""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._slots: dict[tuple[str, int], threading.BoundedSemaphore] = {}

    @contextlib.contextmanager
    def hold(self, url: str) -> Iterator[None]:
        limit = max(1, settings.GLANEUR_POLL_PER_HOST)
        host = _host(url)
        with self._lock:
            slot = self._slots.setdefault((host, limit), threading.BoundedSemaphore(limit))
        with slot, self._file_slot(host, limit):
            yield

    @contextlib.contextmanager
    def _file_slot(self, host: str, limit: int) -> Iterator[None]:
        folder = Path(settings.GLANEUR_POLL_LOCK_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        stem = hashlib.blake2b(host.encode(), digest_size=10).hexdigest()
        delay = 0.01
        while True:
            for number in range(limit):
                handle = open(folder / f"{stem}-{number}.lock", "a+b")  # noqa: SIM115
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    handle.close()
                    continue
                try:
                    yield
                finally:
                    handle.close()  # closing the file releases its lock
                return
            # Every slot is held by another process: its request ends within the fetch
            # timeout, so this wait is bounded too.
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


_slots = _HostSlots()


def _host(url: str) -> str:
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return ""


def _conditional(source: Source) -> dict[str, str]:
    headers = {}
    if source.etag:
        headers["If-None-Match"] = source.etag
    if source.last_modified:
        headers["If-Modified-Since"] = source.last_modified
    return headers


def _get(url: str, headers: dict[str, str] | None = None) -> FetchResult:
    with _slots.hold(url):
        result = fetch(url, accept=FEED_TYPES, headers=headers)
    if result.status != 304 and not 200 <= result.status < 300:
        # A bot check page (403/429/503 the fetcher hands back for scoops): no feed here.
        reason = gettext("The site shows a bot check instead of the feed (HTTP %(status)s).")
        raise FetchError(
            "challenge",
            reason % {"status": result.status},
            transient=True,
            status=result.status,
            retry_after=retry_after_seconds(result.headers.get("retry-after")),
        )
    return result


def frequency_interval(items: Sequence[Item], now: datetime, current: timedelta) -> timedelta:
    """Miniflux's entry frequency: the time an item takes to come, over the last week (24 h
    when none came). When the feed's window is shorter than a week (20 items of the last
    two days), the rate is measured over that window. A pseudo-feed (no dates) keeps the
    interval it is given. Always clamped to 5 min–24 h."""
    dated = [item.published for item in items if item.published is not None]
    if not dated:
        return schedule.clamp(current)
    recent = [when for when in dated if now - WEEK <= when <= now + timedelta(hours=1)]
    if not recent:
        return schedule.MAX_INTERVAL
    window = WEEK if min(dated) < now - WEEK else max(now - min(recent), timedelta(hours=1))
    return schedule.clamp(window / len(recent))


def poll_source(source_id: int, *, force: bool = False) -> PollOutcome:
    """Poll one source if it is due (``force``: whatever its interval, but never before the
    site's Retry-After), unless another worker holds it. Never raises for the site's
    faults: they are recorded on the source, in words."""
    now = timezone.now()
    if not schedule.claim(source_id, now, force=force):
        return PollOutcome(source_id, "skipped")
    try:
        source = Source.objects.select_related("topic").get(pk=source_id)
    except Source.DoesNotExist:
        return PollOutcome(source_id, "skipped")
    if source.kind not in POLLED_KINDS:  # keyword watches match what the others find
        _record(source, next_poll_at=now + schedule.MAX_INTERVAL)
        return PollOutcome(source_id, "skipped")
    try:
        return _poll(source, now)
    except (FetchError, FeedError) as error:
        return _failed(source, now, error)
    except Exception as error:  # a bug must not leave the source claimed nor stop a round
        logger.exception("polling source %s failed", source_id)
        return _failed(source, now, error)


def _poll(source: Source, now: datetime) -> PollOutcome:
    target = source.feed_url or source.url
    if source.kind == Source.Kind.PAGE and not source.feed_url:
        with _slots.hold(target):  # robots.txt is a request to the host too
            allowed = robots.allowed(target)
        if not allowed:
            reason = gettext("The site's robots.txt forbids Glaneur this page.")
            raise FetchError("robots", reason)
    try:
        result = _get(target, _conditional(source))
    except FetchError as error:
        if source.feed_url and error.status in (404, 410):
            # The page's feed went away: look for it again on the page next time.
            Source.objects.filter(pk=source.pk).update(feed_url="")
        raise
    hints = result.headers
    if result.status == 304:
        interval = max(
            timedelta(seconds=source.interval_seconds),
            schedule.interval_from(hints, None, schedule.MIN_INTERVAL, now),
        )
        _record(
            source,
            last_polled_at=now,
            next_poll_at=now + schedule.clamp(interval),
            interval_seconds=int(schedule.clamp(interval).total_seconds()),
            error_count=0,
            last_error="",
            retry_after_until=None,
        )
        return PollOutcome(source.pk, "not_modified", found=source.items_found)
    feed = parse(result.body, result.content_type, result.url, result.charset)
    feed_url = source.feed_url
    if feed.feed_url:
        feed_url = feed.feed_url
        result = _get(feed_url)
        feed = parse(result.body, result.content_type, result.url, result.charset)
        if feed.feed_url or feed.pseudo:
            raise FeedError(gettext("The feed the page declares is itself a web page."))
        hints = result.headers
    created = candidates.take(source, feed.items)
    current = timedelta(seconds=source.interval_seconds)
    if feed.pseudo:  # no dates: follow what the page gave
        current = current / 2 if created else current * 1.5
    interval = max(
        frequency_interval(feed.items, now, current),
        schedule.interval_from(hints, feed.ttl_minutes, schedule.MIN_INTERVAL, now),
    )
    _record(
        source,
        title=source.title or feed.title[:300],
        feed_url=feed_url,
        etag=result.headers.get("etag", "")[:500],
        last_modified=result.headers.get("last-modified", "")[:100],
        last_polled_at=now,
        next_poll_at=now + interval,
        interval_seconds=int(interval.total_seconds()),
        items_found=len(feed.items),
        error_count=0,
        last_error="",
        retry_after_until=None,
    )
    return PollOutcome(source.pk, "new", created=created, found=len(feed.items))


def _failed(source: Source, now: datetime, error: Exception) -> PollOutcome:
    errors = source.error_count + 1
    if isinstance(error, FetchError | FeedError):
        reason = str(error)
    else:
        reason = gettext("An unexpected error stopped the poll; it will be tried again.")
    next_poll_at = now + schedule.backoff(errors)
    retry_after_until = None
    delay = getattr(error, "retry_after", None)
    if isinstance(error, FetchError) and error.status in (429, 503) and delay is not None:
        retry_after_until = min(now + timedelta(seconds=delay), now + schedule.MAX_BACKOFF)
        next_poll_at = max(next_poll_at, retry_after_until)
    _record(
        source,
        last_polled_at=now,
        next_poll_at=next_poll_at,
        error_count=errors,
        last_error=reason[:500],
        retry_after_until=retry_after_until,
    )
    return PollOutcome(source.pk, "failed", error=reason)


def _record(source: Source, **fields: object) -> None:
    """Write the outcome and release the claim in one UPDATE."""
    Source.objects.filter(pk=source.pk).update(claimed_until=None, **fields)


def due_source_ids(now: datetime | None = None, limit: int = 10_000) -> list[int]:
    """The sources whose time has come, that no worker holds, oldest first."""
    now = now or timezone.now()
    return list(
        Source.objects.filter(kind__in=POLLED_KINDS, next_poll_at__lte=now)
        .exclude(claimed_until__gt=now)
        .exclude(retry_after_until__gt=now)
        .exclude(topic__engine__enabled=False)
        .order_by("next_poll_at")
        .values_list("pk", flat=True)[:limit]
    )


def poll_due() -> list[PollOutcome]:
    """One round: poll every due source (the periodic task)."""
    return poll_many(due_source_ids(), force=False)


def poll_topic(
    topic: Topic | None,
    *,
    force: bool,
    progress: Callable[[int, int], None] | None = None,
) -> list[PollOutcome]:
    """Poll a topic's sources (every topic's when None) now: all of them when ``force``
    (never before a site's Retry-After), else the due ones. ``progress(done, total)`` is
    called after each source, from the polling threads, one call at a time."""
    sources = Source.objects.filter(kind__in=POLLED_KINDS)
    if topic is not None:
        sources = sources.filter(topic=topic)
    if not force:
        sources = sources.filter(next_poll_at__lte=timezone.now())
    ids = list(sources.order_by("next_poll_at").values_list("pk", flat=True))
    return poll_many(ids, force=force, progress=progress)


def poll_soon(source_ids: Sequence[int]) -> None:
    """Have the worker poll these sources at once ("poll now"), on the polling queue."""
    from .tasks import poll_sources

    if source_ids:
        poll_sources.enqueue([int(pk) for pk in source_ids])


def _interleaved(source_ids: Sequence[int]) -> list[int]:
    """Round-robin over hosts, so that threads waiting for one busy host are rare."""
    urls = dict(Source.objects.filter(pk__in=source_ids).values_list("pk", "url"))
    by_host: dict[str, list[int]] = defaultdict(list)
    for pk in source_ids:
        by_host[_host(urls.get(pk, ""))].append(pk)
    return [pk for row in zip_longest(*by_host.values()) for pk in row if pk is not None]


def poll_many(
    source_ids: Sequence[int],
    *,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> list[PollOutcome]:
    """Poll sources with GLANEUR_POLL_THREADS threads (each with its database connection,
    closed at its end); the outcomes in no particular order."""
    total = len(source_ids)
    threads = min(max(1, settings.GLANEUR_POLL_THREADS), total)
    outcomes: list[PollOutcome] = []
    lock = threading.Lock()

    def done(outcome: PollOutcome) -> None:
        with lock:
            outcomes.append(outcome)
            if progress is not None:
                progress(len(outcomes), total)

    if threads <= 1:
        for pk in source_ids:
            done(poll_source(pk, force=force))
        return outcomes
    work: queue.SimpleQueue[int] = queue.SimpleQueue()
    for pk in _interleaved(source_ids):
        work.put(pk)

    def run() -> None:
        try:
            while True:
                try:
                    pk = work.get_nowait()
                except queue.Empty:
                    return
                done(poll_source(pk, force=force))
        finally:
            connection.close()

    pool = [threading.Thread(target=run, name=f"glaneur-poll-{n}") for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return outcomes
