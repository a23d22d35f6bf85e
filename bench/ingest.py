"""Scooping throughput: fetch + extraction through the real background worker.

Serves --pages generated French article pages (5 to 15 KB, OpenGraph tags, images) from a
threaded HTTP server on loopback (allow-listed through GLANEUR_FETCH_ALLOW, as the tests
do), scoops each URL with the scoop operation (posts saved, tasks queued in the database),
then runs --workers `glaneur worker --batch` processes and prints articles per second (in
all and per worker process), the states reached, and each worker's peak memory.

Never run by the test suite.

    .venv/bin/python bench/ingest.py [--pages 200] [--workers 1]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "src/glaneur/data/scoopit-topic-initiatives-locales.txt"


def make_pages(count: int) -> list[bytes]:
    rng = random.Random(42)
    sentences = [
        s.strip() + "."
        for s in SEED.read_text().replace("\n", " ").split(".")
        if len(s.strip()) > 40
    ]
    pages = []
    for n in range(count):
        title = f"{rng.choice(sentences)[:80].rstrip('.')} ({n})"
        paragraphs = "".join(
            f"<p>{' '.join(rng.sample(sentences, 3))}</p>" for _ in range(rng.randint(5, 15))
        )
        pages.append(
            f"""<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>{title} | Le Journal régional</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="Le Journal régional">
<meta property="og:image" content="/images/{n}.jpg">
<meta property="article:published_time" content="2024-0{1 + n % 9}-1{n % 9}T08:00:00+01:00">
<meta name="author" content="Rédaction">
<link rel="canonical" href="/article/{n}.html">
</head><body><header><nav><a href="/">Accueil</a></nav></header>
<main><article><h1>{title}</h1>{paragraphs}
<img src="/images/{n}-b.jpg" width="800" height="500" alt=""></article></main>
<footer>© Le Journal régional</footer></body></html>""".encode()
        )
    return pages


def serve(pages: list[bytes]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            try:
                body = pages[int(self.path.removeprefix("/article/").removesuffix(".html"))]
            except (ValueError, IndexError):
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="glaneur-bench-ingest-"))
    server = serve(make_pages(args.pages))
    port = server.server_address[1]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "glaneur.settings.dev",
        "GLANEUR_DATA_DIR": str(data_dir),
        "GLANEUR_FETCH_ALLOW": f"127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from glaneur.curation.models import Post
    from glaneur.curation.services import create_topic, scoop_url

    try:
        call_command("migrate", verbosity=0)
        user = get_user_model().objects.create_user("bench")
        topic = create_topic(owner=user, title="Banc d'essai")
        started = time.perf_counter()
        for n in range(args.pages):
            scoop_url(topic, f"http://127.0.0.1:{port}/article/{n}.html", by=user)
        queued = time.perf_counter() - started
        glaneur = str(Path(sys.executable).parent / "glaneur")
        started = time.perf_counter()
        workers = [
            subprocess.Popen([glaneur, "worker", "--batch", "--verbosity", "0"], env=env)
            for _ in range(args.workers)
        ]
        codes = [worker.wait() for worker in workers]
        elapsed = time.perf_counter() - started
        # ru_maxrss of waited-for children: the largest worker's peak, in KiB on Linux.
        peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        states = dict(Post.objects.values_list("state").annotate(n=django.db.models.Count("id")))
        done = states.get("ready", 0)
        print(
            f"{args.pages} pages served on 127.0.0.1:{port}; scoop (save + queue): "
            f"{queued * 1000 / args.pages:.1f} ms per post"
        )
        print(
            f"{args.workers} worker process(es), exit codes {codes}: {elapsed:.1f} s, "
            f"{done / elapsed:.1f} articles/s in all, "
            f"{done / elapsed / args.workers:.1f} articles/s per worker"
        )
        print(f"states: {states}")
        print(f"largest worker peak RSS: {peak_mib:.0f} MiB")
        return 0 if done == args.pages and not any(codes) else 1
    finally:
        server.shutdown()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
