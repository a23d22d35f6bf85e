"""Peak memory of gunicorn's web workers under page views, searches and post creations.

Fills a fresh SQLite database (a temporary folder) with one topic of --posts posts, indexes
them for search, serves it with gunicorn (`glaneur serve`, --workers sync workers) on a free
loopback port, then runs --rounds rounds from --concurrency client threads, each round: the
topic page, a post page, a search (words drawn from a French vocabulary, so that each search
normalises new words) and a post created through the API (a bearer token). Prints the
requests per kind, the failures, and the peak resident memory (VmHWM, from /proc) of each
web worker. Indexing runs in the worker (`GLANEUR_INDEX_IN_WORKER`, the default), which
this script does not start: the web workers alone are measured.

Never run by the test suite. Exits non-zero if any request failed.

    .venv/bin/python bench/web_memory.py [--posts 2000] [--rounds 300] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import shutil
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

from topic_page import (
    HOST,
    USER_AGENT,
    children_of,
    fill,
    free_port,
    gunicorn,
    memory_and_failures,
    peak_rss_mib,
    setup_django,
    wait_until_up,
)

_VOCABULARY = (
    "emploi emplois jeunes apprentissage formation formations recrutement recrutent entreprise"
    " entreprises territoire territoires économie sociale solidaire insertion handicap"
    " agriculture tourisme numérique santé mobilité logement alternance orientation métiers"
    " compétences stage stages chômage création accompagnement accompagnés initiative"
    " initiatives acteurs associations collectivités région départements communes transition"
    " écologique énergie industrie artisanat commerce services publics égalité femmes seniors"
)
WORDS = _VOCABULARY.split()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=300, help="rounds of the four requests")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn web workers")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    return parser.parse_args()


def prepare(posts: int) -> tuple[str, list[str], str]:
    """The data, the search index, and a token: (topic slug, post paths, bearer secret)."""
    from django.contrib.auth import get_user_model

    from glaneur.api.services import create_token
    from glaneur.curation.models import Post
    from glaneur.search.services import rebuild

    slug, _tag, _count = fill(posts, 50)
    rebuild()
    _token, secret = create_token(get_user_model().objects.get(username="bench"), "bench")
    paths = [post.get_absolute_url() for post in Post.objects.filter(topic__slug=slug)[:200]]
    return slug, paths, secret


def request(
    connection: http.client.HTTPConnection, method: str, path: str, **kwargs: object
) -> int:
    headers = {"User-Agent": USER_AGENT, **kwargs.pop("headers", {})}  # type: ignore[dict-item]
    connection.request(method, path, headers=headers, **kwargs)  # type: ignore[arg-type]
    response = connection.getresponse()
    response.read()
    connection.close()  # gunicorn's sync workers close it anyway
    return response.status


def load(port: int, slug: str, paths: list[str], secret: str, args: argparse.Namespace) -> int:
    counts = {"page": 0, "post": 0, "search": 0, "create": 0}
    failures: list[str] = []
    lock = threading.Lock()

    def one_round(number: int) -> None:
        rng = random.Random(number)
        connection = http.client.HTTPConnection(HOST, port, timeout=60)
        query = quote(" ".join(rng.sample(WORDS, rng.randint(1, 3))))
        body = json.dumps(
            {
                "title": f"Essai {number} : {' '.join(rng.sample(WORDS, 5))}",
                "url": f"https://bench.example.org/essai/{number}",
                "insight": " ".join(rng.sample(WORDS, 12)),
            }
        )
        asked = [
            ("page", "GET", f"/topic/{slug}/", {}, 200),
            ("post", "GET", rng.choice(paths), {}, 200),
            ("search", "GET", f"/search/?q={query}", {}, 200),
            (
                "create",
                "POST",
                f"/api/topics/{slug}/posts",
                {
                    "body": body,
                    "headers": {
                        "Authorization": f"Bearer {secret}",
                        "Content-Type": "application/json",
                    },
                },
                201,
            ),
        ]
        for kind, method, path, extra, expected in asked:
            try:
                status = request(connection, method, path, **extra)
            except (http.client.HTTPException, OSError) as exc:
                status, reason = 0, f"{kind}: {type(exc).__name__}: {exc}"
            else:
                reason = f"{kind}: HTTP {status}"
            with lock:
                counts[kind] += 1
                if status != expected:
                    failures.append(reason)

    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        list(pool.map(one_round, range(args.rounds)))
    print("Requests: " + ", ".join(f"{kind} {n}" for kind, n in counts.items()))
    for reason in sorted(set(failures))[:5]:
        print(f"    failure: {reason}")
    return len(failures)


def main() -> int:
    args = parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="glaneur-bench-memory-"))
    try:
        setup_django(data_dir)
        slug, paths, secret = prepare(args.posts)
        from django.db import connections

        connections.close_all()
        port = free_port()
        with gunicorn(data_dir, port, args.workers) as server:
            wait_until_up(port, server)
            failed = load(port, slug, paths, secret, args)
            memory = {pid: peak_rss_mib(pid) for pid in children_of(server.pid)}
        return memory_and_failures(data_dir, memory, failed)
    finally:
        if args.keep:
            print(f"Data kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
