"""Throughput and latency of the topic page (anonymous, signed-in reader, curator), its deep
pages, tag filters, search and the Atom feed.

Fills a fresh SQLite database (a temporary folder) with one topic of --posts posts and
--tags tags (1 to 4 per post, a few tags far more used than others, fixed seed), serves it
with gunicorn (`glaneur serve`, 2 workers) on a free loopback port, and prints for each URL:

- c=1: p50 and p95 latency of sequential requests (what one reader waits);
- c=N: requests per second, p50 and p95 with --concurrency clients;
- the peak resident memory (VmHWM) of each web worker at the end.

The load comes from wrk (`--client wrk`, the default when `wrk` is on PATH: a C client that
leaves the cores to the server; a Lua `done()` hook prints its p50 and p95) or from Python
threads (`--client python`: keep-alive http.client connections, which gunicorn's sync workers
close after each response, so clients reconnect; the GIL-bound client takes a large share of
the 2 cores). Both send a browser User-Agent, so every request records a view.

Each URL is measured as an anonymous visitor, and the topic page, `?page=7`, a two-tag
filter and the topic's search also as a signed-in reader who follows the topic and as its
curator (a session cookie made for each, sent with every request).

Never run by the test suite. Exits non-zero if any request failed.

    .venv/bin/python bench/topic_page.py [--posts 10000] [--concurrency 8] [--client wrk]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

HOST = "127.0.0.1"
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
SEED = 20240326


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--tags", type=int, default=200)
    parser.add_argument(
        "--client",
        choices=("wrk", "python"),
        default="wrk" if shutil.which("wrk") else "python",
        help="load generator (default: wrk when on PATH)",
    )
    parser.add_argument(
        "--requests", type=int, default=1000, help="per URL, concurrent run (python client)"
    )
    parser.add_argument(
        "--sequential",
        type=int,
        default=200,
        help="requests per URL, one client (c=1; python client)",
    )
    parser.add_argument(
        "--seconds", type=float, default=8, help="per URL, concurrent run (wrk client)"
    )
    parser.add_argument(
        "--sequential-seconds", type=float, default=4, help="per URL, one client (wrk client)"
    )
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn web workers")
    parser.add_argument(
        "--path",
        action="append",
        dest="paths",
        help="measure this path instead of the defaults (repeatable; {slug} and {tag} expand)",
    )
    parser.add_argument(
        "--who",
        action="append",
        choices=("anonymous", "reader", "curator"),
        help="measure only these readers' pages (repeatable; default: all three)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    return parser.parse_args()


# --- data -----------------------------------------------------------------------------------


def setup_django(data_dir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "glaneur.settings.dev"
    os.environ["GLANEUR_DATA_DIR"] = str(data_dir)
    os.environ["ALLOWED_HOSTS"] = HOST
    os.environ.pop("DATABASE_URL", None)  # always the temporary SQLite database
    import django

    django.setup()


@dataclass
class Filled:
    slug: str
    tag: str  # the most used tag
    second_tag: str  # the next most used
    cookies: dict[str, str]  # a session cookie per kind of signed-in reader


def session_cookie(user: object) -> str:
    """A logged-in session for ``user``, as the login view would have saved it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)  # type: ignore[attr-defined]
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()  # type: ignore[attr-defined]
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def fill(n_posts: int, n_tags: int) -> Filled:
    """One topic with posts and tags, a reader who follows it, its search index."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from glaneur.curation.models import Post, PostTag, Tag
    from glaneur.curation.services import create_topic

    call_command("migrate", interactive=False, verbosity=0)
    rng = random.Random(SEED)
    owner = get_user_model().objects.create_user("bench", first_name="Cap Métiers NA")
    topic = create_topic(
        owner=owner,
        title="Initiatives locales et paroles d'acteurs (banc d'essai)",
        slug="banc-d-essai",
        description="Initiatives et paroles d'acteurs de l'emploi et de la formation.",
    )
    with transaction.atomic():
        tags = Tag.objects.bulk_create(
            [Tag(name=f"thème {i}", slug=Tag.slug_for(f"thème {i}")) for i in range(n_tags)]
        )
        # Zipf-like popularity, as on real topics: a few tags carry most posts.
        weights = [1 / (rank + 1) for rank in range(n_tags)]
        now = timezone.now()
        posts = Post.objects.bulk_create(
            [
                Post(
                    topic=topic,
                    title=f"Article {i} : une initiative locale pour l'emploi des jeunes",
                    slug=f"article-{i}-une-initiative-locale-pour-lemploi-des-jeunes",
                    url=f"https://www.example.org/actualites/{i}",
                    normalized_url=f"https://www.example.org/actualites/{i}",
                    summary="Le territoire expérimente un accompagnement renforcé. " * 4,
                    insight=f"Ce que disent **les acteurs** ({i}).",
                    insight_html=f"<p>Ce que disent <strong>les acteurs</strong> ({i}).</p>",
                    image_url=f"https://www.example.org/images/{i}.jpg" if i % 3 else "",
                    site_name="example.org",
                    author="Rédaction",
                    curated_by=owner,
                    curated_at=now - timedelta(minutes=n_posts - i),
                    source_published_at=now - timedelta(minutes=n_posts - i, hours=5),
                )
                for i in range(n_posts)
            ],
            batch_size=1000,
        )
        links: list[PostTag] = []
        for post in posts:
            chosen = {tag.pk: tag for tag in rng.choices(tags, weights, k=rng.randint(1, 4))}
            links.extend(PostTag(post=post, tag=tag, topic=topic) for tag in chosen.values())
        PostTag.objects.bulk_create(links, batch_size=5000)
    counts: dict[int, int] = {}
    for link in links:
        counts[link.tag_id] = counts.get(link.tag_id, 0) + 1
    top_id, second_id = sorted(counts, key=lambda pk: -counts[pk])[:2]
    top = next(tag for tag in tags if tag.pk == top_id)
    second = next(tag for tag in tags if tag.pk == second_id)
    print(
        f"Data: {n_posts} posts, {n_tags} tags, {len(links)} post-tag links; "
        f"most used tag '{top.slug}' on {counts[top_id]} posts."
    )
    from glaneur.audience.models import Follow

    reader = get_user_model().objects.create_user("lecteur", first_name="Lectrice")
    Follow.objects.create(user=reader, topic=topic)
    started = time.perf_counter()
    call_command("reindex", verbosity=0)
    print(f"Search index built in {time.perf_counter() - started:.1f} s")
    call_command("collectstatic", interactive=False, verbosity=0)
    cookies = {"reader": session_cookie(reader), "curator": session_cookie(owner)}
    return Filled(topic.slug, top.slug, second.slug, cookies)


# --- server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(data_dir: Path, port: int, workers: int) -> Iterator[subprocess.Popen[bytes]]:
    glaneur = Path(sys.executable).parent / "glaneur"
    log = (data_dir / "gunicorn.log").open("wb")
    env = {k: v for k, v in os.environ.items() if k != "GUNICORN_CMD_ARGS"}
    process = subprocess.Popen(
        [str(glaneur), "serve", "--bind", f"{HOST}:{port}", "--workers", str(workers)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def wait_until_up(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with code {process.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start listening in time")


def children_of(pid: int) -> list[int]:
    """Child processes, from /proc/*/stat (the kernel here has no /proc/PID/task/*/children)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: fields start after the last ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --- load -----------------------------------------------------------------------------------


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)  # seconds (python client)
    failures: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    body_bytes: int = 0
    count: int = 0  # successful requests
    quantiles: dict[int, float] = field(default_factory=dict)  # seconds, from wrk

    def latency(self, q: int) -> float:
        if q in self.quantiles:
            return self.quantiles[q]
        return percentile(self.latencies, q)

    @property
    def rate(self) -> float:
        return self.count / self.elapsed if self.elapsed else float("nan")


class Client:
    """One keep-alive connection; reconnects when the server closes it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection(HOST, port, timeout=30)

    def get(self, path: str, cookie: str = "") -> tuple[int, int]:
        headers = {"User-Agent": USER_AGENT}
        if cookie:
            headers["Cookie"] = cookie
        try:
            self.conn.request("GET", path, headers=headers)
            response = self.conn.getresponse()
            body = response.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
            raise
        if response.will_close:
            self.conn.close()
        return response.status, len(body)

    def close(self) -> None:
        self.conn.close()


def run(port: int, path: str, total: int, concurrency: int, cookie: str = "") -> Result:
    result = Result()
    lock = threading.Lock()
    counts = [
        total // concurrency + (1 if i < total % concurrency else 0) for i in range(concurrency)
    ]

    def client_loop(count: int) -> None:
        client = Client(port)
        latencies: list[float] = []
        failures: list[str] = []
        size = 0
        for _ in range(count):
            start = time.perf_counter()
            try:
                status, size = client.get(path, cookie)
            except (http.client.HTTPException, OSError) as exc:
                failures.append(f"{type(exc).__name__}: {exc}")
                continue
            latencies.append(time.perf_counter() - start)
            if status != 200:
                failures.append(f"HTTP {status}")
        client.close()
        with lock:
            result.count += len(latencies)
            result.latencies.extend(latencies)
            result.failures.extend(failures)
            result.body_bytes = max(result.body_bytes, size)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(client_loop, [c for c in counts if c]))
    result.elapsed = time.perf_counter() - start
    return result


# wrk prints its own summary, then this hook's line: requests, microseconds, errors, p50, p95.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("GLANEUR-WRK %d %d %d %d %d %d %d %d %d\\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95)))
end
"""


def run_wrk(
    port: int, path: str, seconds: float, concurrency: int, script: Path, cookie: str = ""
) -> Result:
    """``seconds`` of load from wrk with ``concurrency`` connections (two threads at most)."""
    headers = ["-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        headers += ["-H", f"Cookie: {cookie}"]
    command = [
        "wrk",
        *("-c", str(concurrency), "-t", str(min(2, concurrency))),
        *("-d", f"{max(1, round(seconds))}s", "--timeout", "30s", "-s", str(script)),
        *headers,
        f"http://{HOST}:{port}{path}",
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next((x for x in output.splitlines() if x.startswith("GLANEUR-WRK ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no summary:\n{output}")
    fields = [int(x) for x in line.split()[1:]]
    requests, micros, connect, read, write, status, timeout, p50, p95 = fields
    result = Result(elapsed=micros / 1e6, quantiles={50: p50 / 1e6, 95: p95 / 1e6})
    errors = {"connect": connect, "read": read, "write": write, "timeout": timeout}
    result.failures = [f"{name} error" for name, n in errors.items() for _ in range(n)]
    result.failures += ["HTTP status not 2xx/3xx"] * status
    result.count = requests - status
    # The body's size, and a check that the page answers 200, with one plain request.
    client = Client(port)
    try:
        code, result.body_bytes = client.get(path, cookie)
    finally:
        client.close()
    if code != 200:
        result.failures.append(f"HTTP {code}")
    return result


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def ms(result: Result, q: int) -> str:
    return f"{result.latency(q) * 1000:.1f}ms"


def main() -> int:
    args = parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="glaneur-bench-"))
    try:
        return bench(args, data_dir)
    finally:
        if args.keep:
            print(f"Data kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


def bench(args: argparse.Namespace, data_dir: Path) -> int:
    setup_django(data_dir)
    started = time.perf_counter()
    filled = fill(args.posts, args.tags)
    print(
        f"Set-up (migrate, fill, collectstatic): {time.perf_counter() - started:.1f} s", flush=True
    )
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    deep = [
        "/topic/{slug}/",
        "/topic/{slug}/?page=7",
        "/topic/{slug}/?tag={tag}&tag={tag2}",
        "/topic/{slug}/search/?q=emploi+jeunes",
    ]
    if args.paths:
        measured = [("", p) for p in args.paths]
    else:
        measured = [("", p) for p in [*deep, "/topic/{slug}/?tag={tag}", "/topic/{slug}/feed.atom"]]
        measured += [(who, p) for who in ("reader", "curator") for p in deep]
    if args.who:
        measured = [(who, p) for who, p in measured if (who or "anonymous") in args.who]
    values = {
        "slug": quote(filled.slug),
        "tag": quote(filled.tag),
        "tag2": quote(filled.second_tag),
    }
    urls = [(who, p.format(**values)) for who, p in measured]

    port = free_port()
    script = data_dir / "wrk.lua"
    script.write_text(WRK_SCRIPT)

    def load(path: str, concurrency: int, cookie: str) -> Result:
        if args.client == "wrk":
            seconds = args.seconds if concurrency > 1 else args.sequential_seconds
            return run_wrk(port, path, seconds, concurrency, script, cookie)
        total = args.requests if concurrency > 1 else args.sequential
        return run(port, path, total, concurrency, cookie)

    rows: list[tuple[str, Result, Result]] = []
    with gunicorn(data_dir, port, args.workers) as server:
        wait_until_up(port, server)
        for who, path in urls:  # warm-up: every worker imports, compiles templates, fills caches
            run(port, path, max(20, 4 * args.workers), args.workers, filled.cookies.get(who, ""))
        for who, path in urls:
            label = f"{who or 'anonymous'} {path}"
            print(f"Measuring {label} …", flush=True)
            cookie = filled.cookies.get(who, "")
            sequential = load(path, 1, cookie)
            concurrent = load(path, args.concurrency, cookie)
            rows.append((label, sequential, concurrent))
        workers = children_of(server.pid)
        memory = {pid: peak_rss_mib(pid) for pid in workers}

    if args.client == "wrk":
        how = (
            f"wrk; c=1: {args.sequential_seconds:g} s, c={args.concurrency}: "
            f"{args.seconds:g} s per URL"
        )
    else:
        how = (
            f"python client; c=1: {args.sequential} sequential requests, "
            f"c={args.concurrency}: {args.requests} requests"
        )
    print(
        f"\ngunicorn {args.workers} sync workers, {settings.GLANEUR_POSTS_PER_PAGE} posts per "
        f"page; {how}\n"
    )
    concurrent_rate = f"c={args.concurrency} req/s"
    header = (
        f"{'who, URL':<56} {'KiB':>6} {'c=1 p50':>9} {'p95':>8} {concurrent_rate:>11}"
        f" {'p50':>8} {'p95':>8} {'failed':>7}"
    )
    print(header)
    print("-" * len(header))
    failed = 0
    for path, seq, con in rows:
        n_failed = len(seq.failures) + len(con.failures)
        failed += n_failed
        print(
            f"{path[:56]:<56} {con.body_bytes / 1024:>6.1f} {ms(seq, 50):>9} {ms(seq, 95):>8}"
            f" {con.rate:>11.1f} {ms(con, 50):>8} {ms(con, 95):>8} {n_failed:>7}"
        )
        for reason in sorted(set(seq.failures + con.failures))[:3]:
            print(f"    failure: {reason}")
    return memory_and_failures(data_dir, memory, failed)


def memory_and_failures(data_dir: Path, memory: dict[int, float], failed: int) -> int:
    """Print each web worker's peak RSS, and gunicorn's last lines if requests failed;
    the exit code: 1 if any failed."""
    print(
        "\nWeb workers' peak RSS (VmHWM): "
        + ", ".join(f"pid {pid}: {mib:.0f} MiB" for pid, mib in memory.items())
    )
    if failed:
        log_tail = (data_dir / "gunicorn.log").read_text(errors="replace").splitlines()[-30:]
        print(f"\n{failed} requests failed. End of gunicorn's log:\n" + "\n".join(log_tail))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
