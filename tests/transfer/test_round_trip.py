"""Export → empty the database → import → export: the two Glaneur JSON files are identical."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from glaneur.audience.models import Comment
from glaneur.curation.models import Post, Topic
from glaneur.transfer.exporters import export_topic

pytestmark = pytest.mark.django_db
BASE = "https://glaneur.example"


def export_json(slug: str) -> bytes:
    return export_topic(Topic.objects.get(slug=slug), "json", base_url=BASE).content


# Transactional: PostgreSQL refuses to TRUNCATE (flush) inside the test's transaction while
# deferred foreign-key checks are pending.
@pytest.mark.django_db(transaction=True)
def test_export_import_into_an_empty_database_export_again_gives_the_same_file(
    grown_seed: Topic, tmp_path: Path
) -> None:
    first = export_json(grown_seed.slug)
    origin_file = tmp_path / "autre.json"
    origin_file.write_bytes(export_json("autre-veille"))
    seed_file = tmp_path / "seed.json"
    seed_file.write_bytes(first)

    call_command("flush", interactive=False, verbosity=0)
    assert not Topic.objects.exists() and not get_user_model().objects.exists()

    # The original of the rescoop first, so that the rescoop finds it.
    call_command("import", str(origin_file), "--create", verbosity=0)
    call_command("import", str(seed_file), "--create", verbosity=0)
    second = export_json(grown_seed.slug)

    assert second == first


def test_the_export_holds_everything_without_database_ids(grown_seed: Topic) -> None:
    document = json.loads(export_json(grown_seed.slug))
    posts = document["posts"]
    assert len(posts) == 4 + 200 + 1
    assert all("id" not in post and "topic" not in post for post in posts)
    assert {m["role"] for m in document["members"]} == {"owner", "editor"}
    rescooped = next(p for p in posts if p["origin"])
    assert rescooped["origin"]["topic"] == "autre-veille"
    assert any(p["status"] == "draft" and p["main_text"] for p in posts)
    comments = [c for p in posts for c in p["comments"]]
    assert len(comments) == Comment.objects.count()
    assert any(c["hidden"] and c["hidden_by"] == "editrice" for c in comments)
    assert all(c["key"] for c in comments)
    assert sum(sum(p["views"].values()) for p in posts) > 0
    assert document["topic"]["historical_views"] == 54_700
    assert sum(document["views"].values()) == 100
    assert all(not key.isdigit() for p in posts for key in [p["key"]])
    assert Post.objects.filter(topic=grown_seed).count() == len(posts)
