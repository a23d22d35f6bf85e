"""``glaneur sources add|list|remove|import|export`` and ``glaneur poll``, run as commands
against real data and a real feed server on loopback."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from glaneur.curation.models import Topic
from glaneur.sources.models import Candidate, Source
from tests.factories import make_topic
from tests.sources.feedserver import FeedServer

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_add_list_and_remove(topic: Topic) -> None:
    out, _ = run("sources", "add", topic.slug, "https://example.org/feed.xml")
    assert "Source " in out and "(feed) ajoutée" in out
    run("sources", "add", topic.slug, "apprentissage", "--title", "ignored for keywords")
    run("sources", "add", topic.slug, "https://example.org/actus/", "--kind", "page")
    with pytest.raises(CommandError, match="surveille déjà"):
        run("sources", "add", topic.slug, "https://example.org/feed.xml")
    with pytest.raises(CommandError, match="http"):
        run("sources", "add", topic.slug, "ftp://example.org/feed.xml")
    out, _ = run("sources", "list", topic.slug, "--json")
    rows = json.loads(out)
    assert [(r["kind"], r["url"], r["keyword"]) for r in rows] == [
        ("feed", "https://example.org/feed.xml", ""),
        ("keyword", "", "apprentissage"),
        ("page", "https://example.org/actus/", ""),
    ]
    out, _ = run("sources", "list", topic.slug)
    assert "https://example.org/actus/" in out and "apprentissage" in out
    run("sources", "remove", topic.slug, str(rows[0]["id"]))
    assert Source.objects.filter(topic=topic).count() == 2
    with pytest.raises(CommandError, match="aucun sujet"):
        run("sources", "list", "nope")


def test_export_then_import_into_another_topic(topic: Topic, tmp_path: Path) -> None:
    run("sources", "add", topic.slug, "https://example.org/feed.xml")
    run("sources", "add", topic.slug, "emploi des jeunes")
    target = tmp_path / "abos.opml"
    out, _ = run("sources", "export", topic.slug, str(target))
    assert "2 source(s) écrite(s)" in out and target.read_bytes().startswith(b"<?xml")
    other = make_topic(owner=topic.owner)
    out, _ = run("sources", "import", other.slug, str(target))
    assert "2 source(s) ajoutée(s), 0 déjà surveillée(s)" in out
    assert sorted(Source.objects.filter(topic=other).values_list("url", "query")) == [
        ("", "emploi des jeunes"),
        ("https://example.org/feed.xml", ""),
    ]
    bad = tmp_path / "bad.opml"
    bad.write_text("<opml><body>\n\n<outline xmlUrl='https://x.example/f'></body></opml>")
    with pytest.raises(CommandError, match=r"rien n’a été importé\. Ligne 3"):
        run("sources", "import", other.slug, str(bad))
    with pytest.raises(CommandError):
        run("sources", "import", other.slug, str(tmp_path / "missing.opml"))


def test_poll_polls_now_with_a_progress_bar(
    topic: Topic, feed_server: FeedServer, settings: Any
) -> None:
    settings.GLANEUR_POLL_THREADS = 1  # in this test's transaction
    run("sources", "add", topic.slug, feed_server.url("/rss2/cli.xml?n=3"))
    run("sources", "add", topic.slug, feed_server.url("/json/cli.json?n=2"))
    other = make_topic()
    Source.objects.create(topic=other, url=feed_server.url("/atom/other.xml?n=5"))
    out, err = run("poll", "--topic", topic.slug)
    assert "2 source(s) : 2 lue(s)" in out
    assert "[" + "#" * 30 + "] 2/2" in err
    made = Candidate.objects.filter(topic=topic).count()
    assert made > 0 and f"; {made} nouvelle(s) suggestion(s)" in out
    assert not Candidate.objects.filter(topic=other).exists()
    # Again at once, whatever the interval: the server answers 304 to the conditional GETs.
    out, _ = run("poll", "--topic", topic.slug)
    assert "2 inchangée(s)" in out
    assert feed_server.count("/rss2/cli.xml") == 2


def test_poll_reports_a_broken_source_and_exits_non_zero(
    topic: Topic, feed_server: FeedServer, settings: Any
) -> None:
    settings.GLANEUR_POLL_THREADS = 1
    Source.objects.create(topic=topic, url=feed_server.url("/broken.xml"))
    Source.objects.create(topic=topic, url=feed_server.url("/rss2/fine.xml?n=1"))
    err = StringIO()
    with pytest.raises(CommandError, match="1 source"):
        call_command("poll", "--quiet", stdout=StringIO(), stderr=err)
    broken = Source.objects.get(url__endswith="/broken.xml")
    assert broken.in_error and f"{broken.pk}: " in err.getvalue()
    assert Candidate.objects.filter(topic=topic).exists()
