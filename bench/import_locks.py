"""A large CSV import on SQLite: rows per second, the longest write transaction, and how
long another process waits to write meanwhile.

1. a fresh temporary `GLANEUR_DATA_DIR` with its own SQLite database (`DATABASE_URL` is
   ignored), `glaneur.settings.dev`, migrations, one empty topic;
2. a CSV of --rows rows (default 40,000: url, title, summary, two tags of 300, a date);
3. a probe process beside the import, writing one row every 20 ms through its own
   connection (BEGIN IMMEDIATE … COMMIT, busy_timeout 10 s, as a view count does): each
   write's wait for the lock is recorded;
4. the import as `glaneur import` runs it (the command, in this process), every write
   transaction timed from its BEGIN to its COMMIT (and every statement run outside one);
5. prints rows per second, the number of write transactions, the longest one, and the
   probe's longest and 99th-percentile wait.

`--batch N` sets GLANEUR_IMPORT_BATCH (posts per transaction; a number above --rows gives
the single transaction imports used to have), `--pause S` GLANEUR_IMPORT_PAUSE.
Never run by the test suite.

    .venv/bin/python bench/import_locks.py [--rows 40000] [--batch 500] [--pause 0.1]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROBE = r"""
import sqlite3, sys, time
db, stop = sys.argv[1], sys.argv[2]
con = sqlite3.connect(db, timeout=10, isolation_level=None)
con.execute("PRAGMA busy_timeout=10000")
con.execute("CREATE TABLE IF NOT EXISTS bench_probe (n INTEGER)")
waits, failures, deadline = [], 0, time.monotonic() + 900
import os
while not os.path.exists(stop) and time.monotonic() < deadline:
    started = time.monotonic()
    try:
        con.execute("BEGIN IMMEDIATE")
        waits.append(time.monotonic() - started)
        con.execute("INSERT INTO bench_probe VALUES (1)")
        con.execute("COMMIT")
    except sqlite3.OperationalError:
        failures += 1
    time.sleep(0.02)
waits.sort()
p99 = waits[int(len(waits) * 0.99)] if waits else 0.0
print(f"{len(waits)} {failures} {waits[-1] if waits else 0.0:.4f} {p99:.4f}")
"""


def make_csv(path: Path, rows: int) -> None:
    rng = random.Random(42)
    words = [
        "emploi", "formation", "orientation", "insertion", "apprentissage", "jeunes",
        "mission", "locale", "région", "métiers", "entreprise", "territoire",
        "accompagnement", "compétences", "alternance", "numérique",
    ]  # fmt: skip
    tags = [f"thème {n}" for n in range(300)]
    with path.open("w", encoding="utf-8") as out:
        out.write("url,title,summary,tags,curated_at\n")
        for n in range(rows):
            title = " ".join(rng.choices(words, k=8)).capitalize()
            summary = " ".join(rng.choices(words, k=30))
            out.write(
                f"https://exemple.org/article/{n},{title} {n},{summary},"
                f'"{rng.choice(tags)}, {rng.choice(tags)}",2024-05-{1 + n % 28:02d}T10:00\n'
            )


class Transactions:
    """Times every write transaction of Django's connection, BEGIN to COMMIT or ROLLBACK,
    and every statement run outside a transaction (each its own implicit one)."""

    def __init__(self, connection: Any) -> None:
        self.durations: list[tuple[float, str]] = []
        self.blocks: list[float] = []  # BEGIN … COMMIT only
        self.began: float | None = None
        self.first_statement = ""
        start: Callable[[], None] = connection._start_transaction_under_autocommit
        commit: Callable[[], None] = connection.commit
        rollback: Callable[[], None] = connection.rollback

        def begin() -> None:
            start()
            self.began, self.first_statement = time.monotonic(), ""

        def end(finish: Callable[[], None]) -> Callable[[], None]:
            def wrapped() -> None:
                finish()
                if self.began is not None:
                    self.durations.append((time.monotonic() - self.began, self.first_statement))
                    self.blocks.append(self.durations[-1][0])
                    self.began = None

            return wrapped

        def statement(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            if self.began is not None:
                self.first_statement = self.first_statement or sql[:70]
                return execute(sql, params, many, context)
            started = time.monotonic()
            result = execute(sql, params, many, context)
            if not sql.lstrip().upper().startswith("SELECT"):
                self.durations.append((time.monotonic() - started, sql[:70]))
            return result

        connection._start_transaction_under_autocommit = begin
        connection.commit = end(commit)
        connection.rollback = end(rollback)
        connection.execute_wrappers.append(statement)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=40_000)
    parser.add_argument("--batch", type=int, default=None, help="GLANEUR_IMPORT_BATCH")
    parser.add_argument("--pause", type=float, default=None, help="GLANEUR_IMPORT_PAUSE")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="glaneur-bench-import-"))
    database = folder / "glaneur.sqlite3"
    os.environ.update(
        DJANGO_SETTINGS_MODULE="glaneur.settings.dev",
        GLANEUR_DATA_DIR=str(folder),
        DATABASE_URL=f"sqlite:///{database}",
    )
    import django
    from django.conf import settings

    django.setup()
    from glaneur.transfer import writer

    if args.batch is not None:
        settings.GLANEUR_IMPORT_BATCH = args.batch
        writer.BATCH_ROWS = max(writer.BATCH_ROWS, 10 * args.batch)
    if args.pause is not None:
        settings.GLANEUR_IMPORT_PAUSE = args.pause
    from django.core.management import call_command
    from django.db import connection
    from tests.factories import make_user

    from glaneur.curation.models import Post
    from glaneur.curation.services import create_topic

    call_command("migrate", verbosity=0)
    topic = create_topic(owner=make_user("bench"), title="Veille", slug="veille")
    csv_file = folder / "posts.csv"
    make_csv(csv_file, args.rows)
    size = csv_file.stat().st_size
    stop = folder / "stop"
    probe = subprocess.Popen(
        [sys.executable, "-c", PROBE, str(database), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(0.5)
        transactions = Transactions(connection)
        started = time.monotonic()
        with open(os.devnull, "w") as quiet:
            call_command("import", str(csv_file), topic=topic.slug, stdout=quiet)
        elapsed = time.monotonic() - started
    finally:
        stop.touch()
        out, _err = probe.communicate(timeout=60)
    writes, failures, longest_wait, p99_wait = out.split()
    longest, what = max(transactions.durations)
    blocks = sorted(transactions.blocks)
    median = blocks[len(blocks) // 2]
    imported = Post.objects.filter(topic=topic).count()
    print(
        f"{imported} of {args.rows} rows ({size / 1e6:.1f} MB) in {elapsed:.1f} s: "
        f"{imported / elapsed:.0f} rows/s"
    )
    print(
        f"write transactions: {len(blocks)} (and {len(transactions.durations) - len(blocks)} "
        f"single statements), median {median * 1000:.0f} ms, "
        f"longest {longest * 1000:.0f} ms ({what.strip()}…)"
    )
    print(
        f"another writer: {writes} writes, {failures} failed, longest wait "
        f"{float(longest_wait) * 1000:.0f} ms, p99 {float(p99_wait) * 1000:.0f} ms"
    )
    if args.keep:
        print(f"kept: {folder}")
    else:
        shutil.rmtree(folder)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
