"""A large import (`glaneur import`, another process) while readers read the topic: every
page answers (its view counted), pages are served while the import is part-way written (it
writes in batches of short transactions, not one that holds the database), and the import
completes."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import requests

from glaneur.curation.models import Post
from tests.factories import make_posts, make_topic
from tests.processes import glaneur_process

ROWS = 40_000
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("url,title,summary,tags\n")
        for n in range(rows):
            out.write(
                f"https://exemple.org/article/{n},Article {n} sur l’emploi,"
                f'Résumé de l’article {n} : formation et insertion.,"thème {n % 50}, lot {n % 7}"\n'
            )


def status_of(url: str) -> int:
    return requests.get(url, headers={"User-Agent": BROWSER}, timeout=30).status_code


@pytest.mark.django_db(transaction=True)
def test_a_40000_row_import_while_the_topic_is_read(live_server: Any, tmp_path: Path) -> None:
    topic = make_topic(slug="veille-emploi")
    post = make_posts(topic, 30)[-1]
    urls = [
        live_server.url + topic.get_absolute_url(),
        live_server.url + post.get_absolute_url(),
        live_server.url + topic.get_absolute_url() + "?page=2",
    ]
    assert [status_of(url) for url in urls] == [200, 200, 200]
    csv_file = tmp_path / "posts.csv"
    write_csv(csv_file, ROWS)

    importer = glaneur_process("import", str(csv_file), "--topic", topic.slug)
    statuses: Counter[int] = Counter()
    served_mid_import = 0
    deadline = time.monotonic() + 900  # bounded: the import takes well under a minute
    while importer.poll() is None and time.monotonic() < deadline:
        answers = [status_of(url) for url in urls]
        statuses.update(answers)
        imported = Post.objects.filter(topic=topic).count() - 30
        if 0 < imported < ROWS and answers == [200, 200, 200]:
            served_mid_import += 1
    out, err = importer.communicate(timeout=60)

    assert importer.returncode == 0, err.decode()[-2000:]
    assert statuses[200] > 10 and set(statuses) == {200}, statuses
    assert served_mid_import > 0
    assert Post.objects.filter(topic=topic).count() == ROWS + 30
    assert f"{ROWS} " in out.decode()
