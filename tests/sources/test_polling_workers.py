"""Polling by several threads and worker processes: one poller per source, at most N requests
per host at once, a worker killed mid-poll loses nothing; the periodic round, "poll now"."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from glaneur.runtime.jobs import jobs
from glaneur.runtime.models import ScheduledJob
from glaneur.sources.models import Candidate, Source
from glaneur.sources.polling import PollOutcome, poll_due, poll_soon, poll_source
from glaneur.sources.tasks import poll_round
from tests.factories import make_topic
from tests.processes import child_env, glaneur_process, task_loop
from tests.sources.feedserver import FeedServer

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(condition: Callable[[], bool], *, within: float = 60) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def in_thread(work: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    result: list[Any] = []

    def run() -> None:
        try:
            result.append(work())
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def test_never_more_than_n_requests_at_once_per_host(topic: Any, settings: Any) -> None:
    settings.GLANEUR_POLL_THREADS = 8
    settings.GLANEUR_POLL_PER_HOST = 2
    with FeedServer("127.0.0.1", delay=0.3) as one, FeedServer("127.0.0.2", delay=0.3) as two:
        settings.GLANEUR_FETCH_ALLOW = [one.netloc, two.netloc]
        for server in (one, two):
            Source.objects.bulk_create(
                Source(topic=topic, url=server.url(f"/rss2/{n}.xml?n=2")) for n in range(8)
            )
        outcomes = poll_due()
        assert sorted(o.state for o in outcomes) == ["new"] * 16
        assert one.count("/rss2/0.xml") == two.count("/rss2/7.xml") == 1
        # Both hosts at their limit, never above it.
        assert (one.max_in_flight, two.max_in_flight) == (2, 2)
    assert Candidate.objects.count() == 32


def test_two_worker_processes_share_the_per_host_limit(
    topic: Any, settings: Any, tmp_path: Path
) -> None:
    other = make_topic(title="Une autre veille")
    with FeedServer("127.0.0.1", delay=0.4) as server:
        settings.GLANEUR_FETCH_ALLOW = [server.netloc]
        for polled in (topic, other):
            Source.objects.bulk_create(
                Source(topic=polled, url=server.url(f"/rss2/{polled.slug}-{n}.xml?n=2"))
                for n in range(4)
            )
        env = child_env(
            GLANEUR_POLL_PER_HOST="1", GLANEUR_POLL_THREADS="4", GLANEUR_POLL_LOCK_DIR=str(tmp_path)
        )
        # Two processes (two workers), four threads each, one host: one request at a time.
        runs = [
            glaneur_process("poll", "--topic", polled.slug, env=env) for polled in (topic, other)
        ]
        for run in runs:
            assert run.wait(120) == 0, run.stderr.read1().decode()  # type: ignore[union-attr]
        assert server.max_in_flight == 1
        assert server.count(f"/rss2/{other.slug}-3.xml") == 1
    assert Candidate.objects.filter(topic=other).count() == 8
    assert Candidate.objects.filter(topic=topic).count() == 8


def test_two_pollers_never_poll_one_source_at_once(topic: Any, feed_server: FeedServer) -> None:
    source = Source.objects.create(topic=topic, url=feed_server.url("/rss2/held.xml?n=3"))
    gate = feed_server.gate("/rss2/held.xml")
    first, outcome = in_thread(lambda: poll_source(source.pk))
    assert gate.arrived.wait(30)
    # While the first holds it: neither a round, nor "poll now", nor another thread polls it.
    assert poll_source(source.pk).state == "skipped"
    assert poll_source(source.pk, force=True).state == "skipped"
    second, others = in_thread(poll_due)
    second.join(30)
    assert others == [[]]
    gate.opened.set()
    first.join(30)
    assert outcome == [PollOutcome(source.pk, "new", created=3, found=3)]
    assert feed_server.count("/rss2/held.xml") == 1


def test_a_worker_killed_mid_poll_loses_nothing(topic: Any, feed_server: FeedServer) -> None:
    source = Source.objects.create(topic=topic, url=feed_server.url("/atom/killed.xml?n=5"))
    gate = feed_server.gate("/atom/killed.xml")
    env = child_env(GLANEUR_WORKER_LEASE="2")
    first = glaneur_process("worker", env=env)  # its scheduler enqueues a round at once
    try:
        assert gate.arrived.wait(60), first.stderr.read1().decode()  # type: ignore[union-attr]
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        first.kill()
    source.refresh_from_db()
    assert source.claimed_until is not None and source.claimed_until > timezone.now()
    assert source.last_polled_at is None and Candidate.objects.count() == 0
    # CLAIM_FOR later, the claim has expired: the next round takes the source.
    Source.objects.filter(pk=source.pk).update(claimed_until=timezone.now())
    ScheduledJob.objects.all().delete()  # the next worker's scheduler runs its jobs at once
    gate.opened.set()
    second = glaneur_process("worker", env=env)
    try:
        assert wait_for(lambda: Candidate.objects.count() == 5)
    finally:
        second.terminate()
        second.wait(20)
    source.refresh_from_db()
    assert source.claimed_until is None and source.last_polled_at is not None
    assert source.items_found == 5 and source.error_count == 0
    assert feed_server.count("/atom/killed.xml") == 2


def test_the_scheduler_enqueues_one_round_when_sources_are_due(
    topic: Any, feed_server: FeedServer
) -> None:
    (job,) = [job for job in jobs() if job.name == "sources-poll-round"]
    assert job.run() is False  # nothing to poll
    Source.objects.create(topic=topic, url=feed_server.url("/json/round.json?n=2"))
    assert job.run() is True
    assert job.run() is False  # one round waiting is enough
    assert DBTaskResult.objects.filter(task_path=poll_round.module_path).count() == 1
    task_loop("test").run()
    assert Candidate.objects.count() == 2


def test_poll_now_enqueues_the_sources_on_the_polling_queue(
    topic: Any, feed_server: FeedServer
) -> None:
    source = Source.objects.create(topic=topic, url=feed_server.url("/rss1/now.rdf?n=2"))
    poll_source(source.pk)
    poll_soon([source.pk])  # not due: "poll now" polls it anyway
    task = DBTaskResult.objects.get(queue_name="polling")
    assert task.args_kwargs["args"] == [[source.pk]]
    task_loop("test").run()
    assert feed_server.count("/rss1/now.rdf") == 2
    source.refresh_from_db()
    assert source.last_polled_at is not None and source.error_count == 0
