"""ActivityPub delivery at scale: one topic, --followers remote followers on --servers
loopback servers (each with a shared inbox), --posts posts published.

Fills a fresh SQLite database (a temporary folder; DATABASE_URL is ignored); starts the
remote servers in a process of their own (asyncio, one listening port per server, answers
202 and counts what it receives, checking nothing); publishes the posts through the
pipeline's event (``services.publish``: one delivery row per shared inbox, each a task of
the federation queue), then runs every delivery as the worker's federation lane does
(``services.deliver``: signed with draft-cavage-12, POSTed through the SSRF-safe fetcher),
in tasks of ``BATCH`` deliveries, each POSTing to --threads inboxes at once. Prints:

- the fan-out time (publish → delivery rows and tasks) and the deliveries queued;
- the delivery time, deliveries per second, and what the servers received (checked);
- the peak memory of the delivery pass (tracemalloc) and the process's peak RSS.

    .venv/bin/python bench/federation.py [--followers 10000] [--servers 500] [--posts 4]
                                         [--threads 8]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


async def _serve(ports_out: Path, servers: int) -> None:
    received = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal received
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            received += 1
            writer.write(b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await writer.drain()
        finally:
            writer.close()

    listeners = [await asyncio.start_server(handle, "127.0.0.1", 0) for _ in range(servers)]
    ports = [str(s.sockets[0].getsockname()[1]) for s in listeners]
    ports_out.write_text(",".join(ports))
    loop = asyncio.get_running_loop()
    stop = loop.create_future()

    def on_stdin() -> None:
        if not stop.done():
            stop.set_result(None)

    loop.add_reader(sys.stdin.fileno(), on_stdin)
    await stop
    print(received, flush=True)


def remote_servers() -> None:
    """The child process: --serve PATH COUNT."""
    asyncio.run(_serve(Path(sys.argv[2]), int(sys.argv[3])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--followers", type=int, default=10_000)
    parser.add_argument("--servers", type=int, default=500)
    parser.add_argument("--posts", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="glaneur-bench-federation-"))
    ports_file = data_dir / "ports"
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(ports_file), str(args.servers)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        while not ports_file.exists() or not ports_file.read_text():
            time.sleep(0.05)
        ports = ports_file.read_text().split(",")
        run(args, data_dir, ports, child)
    finally:
        if child.poll() is None:
            child.kill()
        shutil.rmtree(data_dir, ignore_errors=True)


def run(args: Any, data_dir: Path, ports: list[str], child: subprocess.Popen[str]) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "glaneur.settings.dev"
    os.environ["GLANEUR_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ["GLANEUR_BASE_URL"] = "https://glaneur.example.org"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["GLANEUR_FEDERATION_SENDERS"] = str(args.threads)
    os.environ["GLANEUR_FETCH_ALLOW"] = ",".join(f"127.0.0.1:{port}" for port in ports)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from glaneur.curation.models import Post
    from glaneur.curation.services import create_topic
    from glaneur.federation import services
    from glaneur.federation.models import Delivery, Follower, RemoteActor
    from glaneur.federation.signatures import generate_key_pair

    owner = get_user_model().objects.create_user("owner", "owner@example.org", "x")
    topic = create_topic(owner=owner, title="Initiatives locales")
    _, public = generate_key_pair()
    actors = RemoteActor.objects.bulk_create(
        RemoteActor(
            uri=f"http://127.0.0.1:{ports[i % len(ports)]}/users/u{i}",
            key_id=f"http://127.0.0.1:{ports[i % len(ports)]}/users/u{i}#main-key",
            public_pem=public,
            inbox=f"http://127.0.0.1:{ports[i % len(ports)]}/users/u{i}/inbox",
            shared_inbox=f"http://127.0.0.1:{ports[i % len(ports)]}/inbox",
            username=f"u{i}",
            domain=f"127.0.0.1:{ports[i % len(ports)]}",
        )
        for i in range(args.followers)
    )
    Follower.objects.bulk_create(Follower(topic=topic, actor=actor) for actor in actors)
    services.actor_key(topic)
    # Saved without events (bulk_create), then published as the pipeline's event does.
    posts = Post.objects.bulk_create(
        Post(
            topic=topic,
            title=f"Forum emploi {n}",
            url=f"https://example.org/{n}",
            normalized_url=f"https://example.org/{n}",
            insight="Une **initiative** locale.",
            insight_html="<p>Une <strong>initiative</strong> locale.</p>",
            curated_by=owner,
        )
        for n in range(args.posts)
    )

    started = time.perf_counter()
    services.publish([post.pk for post in posts])
    fan_out = time.perf_counter() - started
    ids = list(Delivery.objects.values_list("pk", flat=True))
    print(f"followers {args.followers} on {len(ports)} servers; posts {args.posts}")
    print(f"fan-out: {fan_out * 1000:.0f} ms for {len(ids)} deliveries")

    batches = [ids[start : start + services.BATCH] for start in range(0, len(ids), services.BATCH)]
    tracemalloc.start()
    started = time.perf_counter()
    results = [services.deliver_many(batch) for batch in batches]  # the worker's tasks
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write("stop\n")
    child.stdin.flush()
    received = int(child.stdout.readline())
    ok = sum(results)
    print(
        f"delivery: {elapsed:.2f} s, {ok / elapsed:.0f} deliveries/s "
        f"({args.threads} connections per task); accepted {ok}/{len(ids)}; "
        f"servers received {received}"
    )
    print(
        f"peak memory of the delivery pass {peak / 1024 / 1024:.1f} MB (tracemalloc); "
        f"process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )
    if ok != len(ids) or received != len(ids) or Delivery.objects.exists():
        sys.exit(1)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        remote_servers()
    else:
        main()
