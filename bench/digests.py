"""Follower digests at scale: build every due digest and hand it to an SMTP server.

Fills a fresh SQLite database (a temporary folder; DATABASE_URL is ignored) with --topics
topics of --posts-per-topic new posts each and --followers readers (confirmed address,
French or English) who follow --follows topics each with a daily digest; starts an
aiosmtpd server on a free loopback port, in a process of its own as a real mail server
would be, that counts what it receives (and keeps nothing); then runs one digest pass,
``send_due_digests()``, as the worker does (``--connections`` sets
GLANEUR_MAIL_CONNECTIONS, the SMTP connections a batch uses at once), and prints:

- the time to build and hand over every digest, and the messages per second;
- the peak memory of that pass (tracemalloc, from just before it; ``--no-trace`` turns it
  off, for timings without its overhead) and the process's peak RSS;
- what the server received (messages, bytes, SMTP sessions), checked against the report.

Memory should not grow with --followers (the pass reads followers by keyset pages, renders
each topic's section once per language, and keeps nothing per reader): compare
``--followers 2000`` with the default. Never run by the test suite.

    .venv/bin/python bench/digests.py [--followers 10000] [--topics 100] [--connections 1]
                                      [--no-trace]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
SEED = 20260302
DAY = datetime(2026, 3, 2, tzinfo=ZoneInfo("Europe/Paris"))  # a Monday; digests at 07:00


class CountingHandler:
    """Accepts every message and remembers only how many and how large."""

    def __init__(self) -> None:
        self.messages = 0
        self.bytes = 0
        self.sessions = 0
        self.lock = threading.Lock()

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        with self.lock:
            self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages += 1
            self.bytes += len(envelope.content)
        return "250 OK"


def serve_smtp(port: int) -> None:
    """The child process: serve until SIGTERM, then print the counts as JSON."""
    from aiosmtpd.controller import Controller

    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print("ready", flush=True)
    stop.wait()
    controller.stop()
    counts = {"messages": handler.messages, "bytes": handler.bytes, "sessions": handler.sessions}
    print(json.dumps(counts), flush=True)


def start_smtp(port: int) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve-smtp", str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    if child.stdout.readline().strip() != "ready":
        raise SystemExit("the SMTP server did not start")
    return child


def stop_smtp(child: subprocess.Popen[str]) -> dict[str, int]:
    child.send_signal(signal.SIGTERM)
    out, _ = child.communicate(timeout=30)
    return dict(json.loads(out.strip().splitlines()[-1]))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def setup_django(data_dir: Path, smtp_port: int, connections: int) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "glaneur.settings.dev"
    os.environ["GLANEUR_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ["EMAIL_HOST"] = "127.0.0.1"  # selects the SMTP back end
    os.environ["EMAIL_PORT"] = str(smtp_port)
    os.environ["GLANEUR_BASE_URL"] = "https://glaneur.example.org"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["GLANEUR_MAIL_CONNECTIONS"] = str(connections)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def fill(followers: int, topics: int, follows: int, posts_per_topic: int) -> None:
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from glaneur.audience.models import Follow, Profile
    from glaneur.curation.models import Post
    from glaneur.curation.services import create_topic, post_slug

    rng = random.Random(SEED)
    call_command("migrate", verbosity=0)
    user_model = get_user_model()
    curator = user_model.objects.create_user("curator", "curator@example.org")
    topic_ids = [
        create_topic(owner=curator, title=f"Initiatives locales {n}", slug=f"topic-{n}").pk
        for n in range(topics)
    ]
    posts = []
    for topic_id in topic_ids:
        for n in range(posts_per_topic):
            title = f"Forum de l'emploi et de la formation n° {topic_id}-{n}"
            posts.append(
                Post(
                    topic_id=topic_id,
                    title=title,
                    slug=post_slug(title),
                    url=f"https://example.org/{topic_id}/{n}",
                    normalized_url=f"https://example.org/{topic_id}/{n}",
                    site_name="example.org",
                    insight="Une initiative locale pour l'emploi des jeunes, portée par la "
                    "mission locale et les entreprises du territoire. " * 2,
                    curated_by=curator,
                    curated_at=DAY + timedelta(hours=9, minutes=n),
                )
            )
    Post.objects.bulk_create(posts, batch_size=1000)
    batch = 2000
    for start in range(0, followers, batch):
        users = user_model.objects.bulk_create(
            [
                user_model(
                    username=f"reader{n:06d}",
                    email=f"reader{n:06d}@example.net",
                    first_name=f"Lectrice {n}",
                    password="!",  # noqa: S106 - an unusable password
                )
                for n in range(start, min(start + batch, followers))
            ]
        )
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, primary=True, verified=True) for u in users]
        )
        Profile.objects.bulk_create(
            [Profile(user=u, language="en" if rng.random() < 0.2 else "fr") for u in users]
        )
        Follow.objects.bulk_create(
            [
                Follow(user=u, topic_id=topic_id, digest="daily", digested_until=DAY)
                for u in users
                for topic_id in rng.sample(topic_ids, follows)
            ],
            batch_size=2000,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--followers", type=int, default=10_000)
    parser.add_argument("--topics", type=int, default=100)
    parser.add_argument("--follows", type=int, default=3, help="topics followed by each reader")
    parser.add_argument("--posts-per-topic", type=int, default=5)
    parser.add_argument(
        "--connections", type=int, default=1, help="GLANEUR_MAIL_CONNECTIONS (default 1)"
    )
    parser.add_argument("--no-trace", action="store_true", help="no tracemalloc")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--serve-smtp", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_smtp:
        serve_smtp(args.serve_smtp)
        return 0

    data_dir = Path(tempfile.mkdtemp(prefix="glaneur-bench-digests-"))
    port = free_port()
    server = start_smtp(port)
    received = {"messages": 0, "bytes": 0, "sessions": 0}
    try:
        setup_django(data_dir, port, args.connections)
        started = time.perf_counter()
        fill(args.followers, args.topics, args.follows, args.posts_per_topic)
        print(
            f"{args.followers:,} followers × {args.follows} topics of {args.topics} "
            f"({args.posts_per_topic} new posts each), {args.connections} SMTP connection(s): "
            "filled in "
            f"{time.perf_counter() - started:.1f} s"
        )
        from django.urls import get_resolver

        from glaneur.audience.digests import send_due_digests

        get_resolver().url_patterns  # noqa: B018 - import every view now, not in the pass
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if not args.no_trace:
            tracemalloc.start()
        started, cpu = time.perf_counter(), time.process_time()
        report = send_due_digests(now=DAY + timedelta(days=1, hours=8))
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu
        peak = tracemalloc.get_traced_memory()[1] / 2**20 if not args.no_trace else None
        tracemalloc.stop()
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    finally:
        received = stop_smtp(server)
        if args.keep:
            print(f"kept {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)

    print(f"digests sent: {report.sent:,} ({report})")
    print(
        f"time: {elapsed:.1f} s, {report.sent / elapsed:,.0f} messages/s "
        f"(this process's CPU: {cpu:.1f} s; load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} CPUs)"
    )
    if peak is not None:
        print(f"peak traced memory during the pass: {peak:.1f} MiB (tracemalloc)")
    print(f"peak RSS: {rss_before:.0f} MiB before the pass, {rss_after:.0f} MiB after")
    print(
        f"SMTP server: {received['messages']:,} messages, {received['bytes'] / 2**20:.1f} MiB, "
        f"{received['sessions']} sessions"
    )
    ok = report.sent == args.followers == received["messages"]
    if not ok:
        print("MISMATCH: every follower should have received exactly one digest")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
