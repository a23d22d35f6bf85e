"""Polling at scale: --sources feed sources (--items items each; RSS 2.0, Atom, RSS 1.0 and
JSON Feed in turn) spread over --hosts loopback addresses (127.0.0.1, .2, …), one topic per
--per-topic sources.

Fills a fresh SQLite database (a temporary folder) unless --database-url is given; starts
the feed server (tests/sources/feedserver.py) in a process of its own; then runs what the
worker's polling lane runs (``polling.poll_due``: GLANEUR_POLL_THREADS sources at once, at
most GLANEUR_POLL_PER_HOST per host) twice: a cold round (every feed read, every item
handed to ``candidates.take``), then the topic rescores the round enqueued (the
polling lane runs them after it), and a warm round (every source due again; all 304). Prints:

- the time of each round, and candidates per second of the cold one; the rescores' time;
- the most requests any host served at once (counted by the servers);
- this process's peak RSS (it is the worker here: Django, the polling threads, the parser).

    .venv/bin/python bench/polling.py [--sources 1000] [--items 20] [--hosts 10]
                                      [--per-topic 100] [--threads 16] [--per-host 2]
                                      [--latency 0] [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FORMATS = [("rss2", "xml"), ("atom", "xml"), ("rss1", "rdf"), ("json", "json")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--hosts", type=int, default=10)
    parser.add_argument("--per-topic", type=int, default=100)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--per-host", type=int, default=2)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per feed answer")
    parser.add_argument(
        "--database-url", default="", help="a scratch database: it is emptied first"
    )
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="glaneur-bench-polling-"))
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.sources.feedserver", str(args.hosts), str(args.latency)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        hosts = [server.stdout.readline().strip() for _ in range(args.hosts)]
        run(args, data_dir, hosts)
    finally:
        if server.stdin is not None:
            server.stdin.close()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(data_dir, ignore_errors=True)


def run(args: Any, data_dir: Path, hosts: list[str]) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "glaneur.settings.dev"
    os.environ["GLANEUR_DATA_DIR"] = str(data_dir)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["GLANEUR_POLL_THREADS"] = str(args.threads)
    os.environ["GLANEUR_POLL_PER_HOST"] = str(args.per_host)
    os.environ["GLANEUR_FETCH_ALLOW"] = ",".join(hosts)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.GLANEUR_POLL_THREADS = args.threads
    settings.GLANEUR_POLL_PER_HOST = args.per_host
    call_command("migrate", verbosity=0)
    if args.database_url:
        call_command("flush", interactive=False, verbosity=0)
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from glaneur.curation.services import create_topic
    from glaneur.sources import polling
    from glaneur.sources.models import Candidate, Source

    owner = get_user_model().objects.create_user("owner", "owner@example.org", "x")
    topics = [
        create_topic(owner=owner, title=f"Veille {n}")
        for n in range((args.sources + args.per_topic - 1) // args.per_topic)
    ]
    Source.objects.bulk_create(
        Source(
            topic=topics[n // args.per_topic],
            url=f"http://{hosts[n % len(hosts)]}/{kind}/s{n}.{ext}?n={args.items}",
        )
        for n, (kind, ext) in ((n, FORMATS[n % len(FORMATS)]) for n in range(args.sources))
    )
    print(
        f"sources {args.sources} x {args.items} items on {len(hosts)} hosts; "
        f"{args.threads} threads, at most {args.per_host} per host; "
        f"{args.per_topic} sources per topic; latency {args.latency * 1000:.0f} ms; "
        f"database {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"
    )

    started = time.perf_counter()
    cold = polling.poll_due()
    cold_time = time.perf_counter() - started
    made = Candidate.objects.count()
    print(
        f"cold round: {cold_time:.1f} s; {_states(cold)}; {made} candidates, "
        f"{made / cold_time:.0f} candidates/s"
    )

    # The rescores the round enqueued (one per topic whose pool grew by a quarter or more),
    # run as the worker's polling lane runs them after the round.
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(status="READY", task_path__endswith="rescore_topic")
    rescores = waiting.count()
    started = time.perf_counter()
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0,
                 queue_name="polling")  # fmt: skip
    print(f"then {rescores} topic rescores: {time.perf_counter() - started:.1f} s")

    Source.objects.update(next_poll_at=timezone.now())
    started = time.perf_counter()
    warm = polling.poll_due()
    warm_time = time.perf_counter() - started
    print(f"warm round: {warm_time:.1f} s; {_states(warm)}; {Candidate.objects.count()} candidates")

    stats = [json.load(urllib.request.urlopen(f"http://{host}/_stats")) for host in hosts]
    print(
        f"requests served {sum(s['requests'] for s in stats)}; most at once per host "
        f"{max(s['max_in_flight'] for s in stats)} (limit {args.per_host})"
    )
    print(f"worker peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    failed = [o for o in cold + warm if o.state == "failed"]
    if failed:
        print(f"first failure: {failed[0]}")
        sys.exit(1)


def _states(outcomes: list[Any]) -> str:
    return ", ".join(
        f"{state} {count}" for state, count in sorted(Counter(o.state for o in outcomes).items())
    )


if __name__ == "__main__":
    main()
