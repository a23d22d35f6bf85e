"""Exports: formats, what readers get, the CLI, and queries that do not grow per post."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from glaneur.audience.models import Comment
from glaneur.curation.models import Post, Topic
from glaneur.transfer.exporters import export_topic
from glaneur.transfer.exporters.csvfile import COLUMNS
from glaneur.transfer.importers.netscape import parse_netscape
from tests.factories import make_posts, make_topic
from tests.transfer.conftest import make_account

pytestmark = pytest.mark.django_db
BASE = "https://glaneur.example"


def test_csv_export_has_a_header_and_one_row_per_post(grown_seed: Topic) -> None:
    content = export_topic(grown_seed, "csv", base_url=BASE).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert list(rows[0]) == COLUMNS
    assert len(rows) == Post.objects.filter(topic=grown_seed).count()
    commented = next(r for r in rows if r["comments"] != "0")
    assert commented["page"].startswith(f"{BASE}/topic/{grown_seed.slug}/p/")
    viewed = [r for r in rows if int(r["views"]) > 0]
    assert viewed


def test_netscape_export_reads_back_as_bookmarks(grown_seed: Topic) -> None:
    content = export_topic(grown_seed, "netscape", base_url=BASE).content
    assert content.startswith(b"<!DOCTYPE NETSCAPE-Bookmark-file-1>")
    bundle = parse_netscape(content)
    assert len(bundle.posts) == Post.objects.filter(topic=grown_seed).count()
    draft = next(p for p in bundle.posts if p.fields.get("status") == "draft")
    assert draft.fields["url"].startswith("https://example.org/")
    text_post = next(p for p in bundle.posts if str(p.fields["url"]).startswith(BASE))
    assert "/p/" in str(text_post.fields["url"])
    assert any(p.tags for p in bundle.posts)


def test_opml_lists_the_three_feeds_with_absolute_urls(grown_seed: Topic) -> None:
    root = ET.fromstring(export_topic(grown_seed, "opml", base_url=BASE + "/").content)  # noqa: S314
    urls = [o.get("xmlUrl") for o in root.iter("outline") if o.get("xmlUrl")]
    slug = grown_seed.slug
    assert urls == [f"{BASE}/topic/{slug}/feed.{ext}" for ext in ("rss", "atom", "json")]


def test_public_export_leaves_out_drafts_hidden_comments_and_working_data(
    grown_seed: Topic,
) -> None:
    document = json.loads(export_topic(grown_seed, "json", base_url=BASE, full=False).content)
    published = Post.objects.filter(topic=grown_seed, status=Post.Status.PUBLISHED).count()
    assert len(document["posts"]) == published
    assert all(p["status"] == "published" for p in document["posts"])
    assert all("main_text" not in p and "state_error" not in p for p in document["posts"])
    comments = [c for p in document["posts"] for c in p["comments"]]
    assert len(comments) == Comment.objects.filter(hidden=False).count()
    assert all("hidden" not in c and "hidden_by" not in c for c in comments)


def test_cli_exports_to_a_file_and_to_standard_output(
    grown_seed: Topic, tmp_path: Path, capsys: Any
) -> None:
    target = tmp_path / "topic.json"
    call_command("export", grown_seed.slug, "-o", str(target))
    assert json.loads(target.read_text())["topic"]["slug"] == grown_seed.slug
    call_command("export", grown_seed.slug, "--format", "opml", "--base-url", BASE)
    assert f"{BASE}/topic/{grown_seed.slug}/feed.rss" in capsys.readouterr().out
    with pytest.raises(CommandError, match="aucun sujet"):  # the site speaks French
        call_command("export", "nope")


def _queries(topic: Topic, fmt: str) -> int:
    with CaptureQueriesContext(connection) as context:
        export_topic(topic, fmt, base_url=BASE)
    return len(context.captured_queries)


@pytest.mark.parametrize("fmt", ["json", "csv", "netscape", "opml"])
def test_export_queries_do_not_grow_with_the_number_of_posts(fmt: str) -> None:
    owner, reader = make_account(), make_account()
    counts = []
    for size in (20, 200):
        topic = make_topic(owner)
        posts = make_posts(topic, size, by=owner)
        origin = make_posts(make_topic(owner), 1)[0]
        Post.objects.filter(pk__in=[p.pk for p in posts[::5]]).update(origin=origin)
        Comment.objects.bulk_create(
            [Comment(post=p, author=reader, hidden_by=owner, text="!") for p in posts]
        )
        counts.append(_queries(topic, fmt))
    assert counts[0] == counts[1]
