"""Where a topic page's time goes, in process: queries, template rendering, the rest.

Fills a fresh SQLite database like ``topic_page.py`` (same data, same seed), then renders
each page kind --repeat times through Django's test client, as an anonymous reader, a
logged-in reader (who follows the topic) and the topic's curator, and prints per page:
milliseconds per request, how many queries and how long they took, how long the templates
took (every ``Template.render``, nested ones counted once), and the top functions by own time
(cProfile). Never run by the test suite.

    .venv/bin/python bench/profile_page.py [--posts 10000] [--repeat 30] [--top 12]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from topic_page import fill, setup_django


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--tags", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--top",
        type=int,
        default=12,
        help="functions listed per page (0: no profiler, plain timings)",
    )
    parser.add_argument("--keep", action="store_true")
    return parser.parse_args()


@contextmanager
def timed_templates() -> Iterator[list[float]]:
    """Time spent in the outermost Template.render calls (nested includes counted once)."""
    from django.template.base import Template

    spent: list[float] = [0.0]
    depth = [0]
    original = Template.render

    def render(self: Any, context: Any) -> Any:
        depth[0] += 1
        start = time.perf_counter()
        try:
            return original(self, context)
        finally:
            depth[0] -= 1
            if depth[0] == 0:
                spent[0] += time.perf_counter() - start

    Template.render = render  # type: ignore[method-assign]
    try:
        yield spent
    finally:
        Template.render = original  # type: ignore[method-assign]


def measure(get: Callable[[], Any], repeat: int, top: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    get()  # warm: URL resolver, templates, caches a first request fills
    queries_ms = 0.0
    count = 0
    profile = cProfile.Profile()
    with timed_templates() as templates:
        start = time.perf_counter()
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                if top:
                    profile.enable()
                response = get()
                if top:
                    profile.disable()
            assert response.status_code == 200, response.status_code
            count = len(captured.captured_queries)
            queries_ms += sum(float(q["time"]) for q in captured.captured_queries) * 1000
        total_ms = (time.perf_counter() - start) * 1000
    per = total_ms / repeat
    how = "under cProfile" if top else "no profiler"
    print(
        f"  {per:6.1f} ms/request ({how}) | {count} queries, "
        f"{queries_ms / repeat:5.1f} ms | templates {templates[0] * 1000 / repeat:5.1f} ms"
    )
    if not top:
        return
    stats = pstats.Stats(profile)
    stats.sort_stats("tottime")
    rows = []
    for (filename, line, name), (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append((tottime, cumtime, calls, f"{Path(filename).name}:{line}({name})"))
    rows.sort(reverse=True)
    for tottime, cumtime, calls, where in rows[:top]:
        print(
            f"    own {tottime * 1000 / repeat:6.2f} ms  cum {cumtime * 1000 / repeat:6.2f} ms"
            f"  {calls // repeat:6d}×  {where}"
        )


def main() -> int:
    args = parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="glaneur-profile-"))
    try:
        setup_django(data_dir)
        filled = fill(args.posts, args.tags)
        slug, tag = filled.slug, filled.tag
        from django.contrib.auth import get_user_model
        from django.test import Client

        user_model = get_user_model()
        clients = {who: Client(HTTP_HOST="127.0.0.1") for who in ("anonymous", "reader", "curator")}
        clients["reader"].force_login(user_model.objects.get(username="lecteur"))
        clients["curator"].force_login(user_model.objects.get(username="bench"))
        pages = {
            "topic page": f"/topic/{slug}/",
            "page 7": f"/topic/{slug}/?page=7",
            "one tag": f"/topic/{slug}/?tag={tag}",
            "two tags": f"/topic/{slug}/?tag={tag}&tag={filled.second_tag}",
            "search": f"/topic/{slug}/search/?q=emploi+jeunes",
        }
        for label, path in pages.items():
            for who, client in clients.items():
                print(f"{label} ({who}) {path}")
                measure(
                    lambda c=client, p=path: c.get(p, HTTP_USER_AGENT="Mozilla/5.0"),
                    args.repeat,
                    args.top,
                )
    finally:
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
