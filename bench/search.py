"""Full-text search at scale: index build time, database size, query latency.

Generates --posts French posts (default 100,000; `--posts 1000000` for the big run) from
the sentences of the seed capture, shuffled with a fixed seed, spread over 20 topics (one
private) with 1 to 3 tags each, in a fresh database: a temporary SQLite file, and also a
scratch PostgreSQL database (created next to the one DATABASE_URL names, then dropped)
when DATABASE_URL is set. Then, for each database:

- the index build: `glaneur.search.services.rebuild()` over every post, timed;
- the database size, and the index's share of it;
- p50 and p95 latency of ten typical queries through `search()` (ranked ids, posts with
  their tags, highlighted snippets: what the search page costs apart from templates), and of
  the ranking SQL alone.

Never run by the test suite.

    .venv/bin/python bench/search.py [--posts 100000] [--runs 30] [--backend sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SEED_TEXT = ROOT / "src" / "glaneur" / "data" / "scoopit-topic-initiatives-locales.txt"
RANDOM_SEED = 20190326
QUERIES = [
    "emploi",
    "formations professionnelles",
    "recrutement",
    '"mission locale"',
    "#insertion",
    "jeunes -apprentissage",
    "(emploi OR formation) territoire",
    "économie sociale et solidaire",
    "entreprises Nouvelle-Aquitaine",
    "création d'entreprises accompagnement",
]
# Rarer words and phrases, which go back through every shard: printed apart, not part of the
# ten typical queries' p50 / p95.
RARE_QUERIES = [
    "xylophone",
    "Oloron tourisme",
    "Guéret handicap agriculture",
    "Bressuire numérique",
    '"transition écologique" Dax',
]
TAGS = [
    "Emploi", "Formation", "Insertion", "Apprentissage", "Orientation", "Jeunes",
    "Entreprises", "Territoires", "Économie sociale et solidaire", "Numérique", "Handicap",
    "Mission locale", "Reconversion", "Agriculture", "Industrie", "Santé", "Tourisme",
    "Bâtiment", "Transition écologique", "Mobilité",
]  # fmt: skip
PLACES = [
    "Bordeaux", "Poitiers", "Limoges", "Pau", "Bayonne", "La Rochelle", "Agen", "Périgueux",
    "Angoulême", "Niort", "Mont-de-Marsan", "Tulle", "Guéret", "Mérignac", "Pessac",
    "Brive-la-Gaillarde", "Bergerac", "Cognac", "Saintes", "Rochefort", "Châtellerault",
    "Dax", "Biarritz", "Anglet", "Libourne", "Arcachon", "Marmande", "Villeneuve-sur-Lot",
    "Oloron-Sainte-Marie", "Orthez", "Bressuire", "Thouars", "Parthenay", "Royan", "Sarlat",
]  # fmt: skip
SITES = ["Cap Métiers", "Sud Ouest", "France Travail", "La Nouvelle République", "Région NA"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30, help="timed runs of each query")
    parser.add_argument(
        "--backend",
        choices=["sqlite", "postgresql"],
        help="one database only (default: SQLite, then PostgreSQL if DATABASE_URL is set)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the scratch database and, when it already holds --posts posts, skip "
        "generating them (SQLite: /tmp/glaneur-bench-search-<posts>/)",
    )
    parser.add_argument(
        "--stage",
        choices=["all", "fill", "build", "measure"],
        default="all",
        help="stop after generating the posts, or after the index build, or only measure "
        "(with --reuse)",
    )
    return parser.parse_args()


# --- data -----------------------------------------------------------------------------------


def sentences() -> list[str]:
    text = SEED_TEXT.read_text(encoding="utf-8")
    found = []
    for line in text.splitlines():
        if "Scoop.it" in line or len(line.split()) < 6:
            continue
        found += [s.strip() for s in re.split(r"(?<=[.!?»])\s+", line) if len(s.split()) >= 5]
    return found


def fill(n_posts: int) -> int:
    """Topics, tags and posts through bulk_create; returns the number of words indexed."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from glaneur.curation.models import Post, PostTag, Tag, Topic
    from glaneur.curation.services import create_topic

    rng = random.Random(RANDOM_SEED)
    pool = sentences()
    owner = get_user_model().objects.create_user("bench")
    topics = [
        create_topic(
            owner=owner,
            title=f"Veille emploi formation {n}",
            visibility=Topic.Visibility.PRIVATE if n == 19 else Topic.Visibility.PUBLIC,
        )
        for n in range(20)
    ]
    tags = [Tag.objects.create(name=name, slug=Tag.slug_for(name)) for name in TAGS]
    weights = [1 / (rank + 1) for rank in range(len(tags))]
    now = timezone.now()
    words = 0
    batch = 5000
    for start in range(0, n_posts, batch):
        posts = []
        for i in range(start, min(n_posts, start + batch)):
            place = rng.choice(PLACES)
            title = " ".join(rng.choice(pool).split()[:12]).rstrip(",;:") + f" à {place}"
            summary = " ".join(rng.sample(pool, rng.randint(1, 2)))
            insight = rng.choice(pool) if rng.random() < 0.3 else ""
            main_text = " ".join(rng.sample(pool, rng.randint(3, 8)))
            words += len(f"{title} {summary} {insight} {main_text}".split())
            posts.append(
                Post(
                    topic=topics[i % len(topics)],
                    title=title,
                    slug=f"post-{i}",
                    url=f"https://example.org/{i}",
                    normalized_url=f"https://example.org/{i}",
                    summary=summary,
                    insight=insight,
                    insight_html=f"<p>{insight}</p>" if insight else "",
                    main_text=main_text,
                    site_name=rng.choice(SITES),
                    curated_by=owner,
                    curated_at=now,
                )
            )
        created = Post.objects.bulk_create(posts)
        PostTag.objects.bulk_create(
            [
                PostTag(post=post, tag=tag, topic_id=post.topic_id)
                for post in created
                for tag in set(rng.choices(tags, weights=weights, k=rng.randint(1, 3)))
            ]
        )
    return words


def counted_words() -> int:
    """Words of the posts already in a reused database (as ``fill()`` counts them)."""
    from glaneur.curation.models import Post

    words = 0
    rows = Post.objects.values_list("title", "summary", "insight", "main_text")
    for row in rows.iterator(chunk_size=5000):
        words += len(" ".join(row).split())
    return words


# --- measures -------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def database_size() -> tuple[int, int]:
    """(whole database, search index) in bytes."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_database_size(current_database()), "
                "(SELECT COALESCE(SUM(pg_total_relation_size(oid)), 0) FROM pg_class "
                "WHERE relkind = 'r' AND relname LIKE 'search\\_index\\_%%')"
            )
            total, index = cursor.fetchone()
            return int(total), int(index)
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute("PRAGMA page_size")
        page_size = cursor.fetchone()[0]
        try:
            cursor.execute(
                "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search_index_%' "
                "OR name LIKE 'sqlite_autoindex_search_index_%'"
            )
            index = int(cursor.fetchone()[0] or 0)
        except Exception:  # SQLite built without the dbstat table
            index = -1
        return pages * page_size, index


def measure(runs: int) -> None:
    from django.db import connection

    every = _measure_queries(QUERIES, runs)
    print(
        f"{'all queries':42} {'':>5} {statistics.median(every):>8.1f} "
        f"{percentile(every, 0.95):>8.1f}   ({connection.vendor})"
    )
    print("rarer queries (every shard is read; not in the figures above):")
    _measure_queries(RARE_QUERIES, max(5, runs // 3))


def _measure_queries(texts: list[str], runs: int) -> list[float]:
    from glaneur.search.backends import get_backend
    from glaneur.search.queries import candidate_limit
    from glaneur.search.query_language import parse
    from glaneur.search.services import search

    print(f"{'query':42} {'hits':>5} {'p50 ms':>8} {'p95 ms':>8}   {'rank SQL p50/p95 ms':>20}")
    every: list[float] = []
    for text in texts:
        query = parse(text)
        for _ in range(2):
            page = search(text)
        timings, sql_timings = [], []
        for _ in range(runs):
            started = time.perf_counter()
            page = search(text)
            timings.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            get_backend().rank(query.tree, topic_id=None, limit=candidate_limit(), best=25)
            sql_timings.append((time.perf_counter() - started) * 1000)
        every += timings
        print(
            f"{text:42} {len(page.hits):>5} {statistics.median(timings):>8.1f} "
            f"{percentile(timings, 0.95):>8.1f}   "
            f"{statistics.median(sql_timings):>9.1f} / {percentile(sql_timings, 0.95):.1f}"
        )
    return every


def run_one(args: argparse.Namespace, vendor: str) -> None:
    if args.reuse:
        folder = Path(tempfile.gettempdir()) / f"glaneur-bench-search-{args.posts}"
        folder.mkdir(exist_ok=True)
        run_in(args, vendor, str(folder))
        return
    with tempfile.TemporaryDirectory(prefix="glaneur-bench-search-") as folder:
        run_in(args, vendor, folder)


def run_in(args: argparse.Namespace, vendor: str, folder: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "glaneur.settings.dev"
    os.environ["GLANEUR_DATA_DIR"] = folder
    scratch = ""
    if vendor == "postgresql":
        scratch = create_scratch_database(
            os.environ["DATABASE_URL"],
            suffix=f"_{args.posts}" if args.reuse else "",
            reuse=args.reuse,
        )
        os.environ["DATABASE_URL"] = scratch
    else:
        os.environ.pop("DATABASE_URL", None)
    try:
        import django
        from django.core.management import call_command

        django.setup()
        from glaneur.search import analysis
        from glaneur.search.services import rebuild

        call_command("migrate", verbosity=0, skip_checks=True)
        from django.db import connection

        from glaneur.curation.models import Post

        started = time.perf_counter()
        if args.reuse and Post.objects.count() == args.posts:
            words = counted_words()
            print(f"== {vendor}: {args.posts:,} posts reused, {words / args.posts:.0f} words each")
        else:
            words = fill(args.posts)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # planner statistics, as a live database has
            print(
                f"== {vendor}: {args.posts:,} posts, {words / args.posts:.0f} words each, "
                f"generated in {time.perf_counter() - started:.0f}s"
            )
        if args.stage == "fill":
            return
        started = time.perf_counter()
        analysis.warm_up()
        print(f"lemma tables loaded in {time.perf_counter() - started:.1f}s")
        if args.stage != "measure":
            started = time.perf_counter()
            count = rebuild()
            elapsed = time.perf_counter() - started
            print(
                f"index build: {count:,} posts in {elapsed:.0f}s "
                f"({count / elapsed:,.0f} posts/s, {words / elapsed / 1e6:.2f}M words/s)"
            )
        total, index = database_size()
        shown = f"{index / 2**20:,.0f} MiB" if index >= 0 else "n/a"
        print(f"database size: {total / 2**20:,.0f} MiB, of which the index {shown}")
        if args.stage != "build":
            measure(args.runs)
    finally:
        if scratch and not (args.keep or args.reuse):
            from django.db import connections

            connections.close_all()
            drop_scratch_database(scratch)


def _admin_connection(url: str) -> Any:
    import psycopg

    return psycopg.connect(url, autocommit=True)


def create_scratch_database(url: str, *, suffix: str = "", reuse: bool = False) -> str:
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_bench_search" + suffix
    with _admin_connection(url) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not (reuse and exists):
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path="/" + name))


def drop_scratch_database(scratch: str) -> None:
    parts = urlsplit(scratch)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with _admin_connection(admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    args = parse_args()
    if args.backend:
        run_one(args, args.backend)
        return
    backends = ["sqlite"] + (["postgresql"] if os.environ.get("DATABASE_URL") else [])
    failed = False
    for backend in backends:
        # One process per database: Django is set up once per process.
        command = [sys.executable, __file__, "--posts", str(args.posts), "--runs", str(args.runs)]
        command += ["--backend", backend] + (["--keep"] if args.keep else [])
        command += (["--reuse"] if args.reuse else []) + ["--stage", args.stage]
        failed |= subprocess.run(command, check=False).returncode != 0
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
