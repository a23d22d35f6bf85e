"""Actors, quotes and corrections travel in the Glaneur JSON export and come back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from glaneur.curation.models import Post, Topic
from glaneur.enrich import corrections
from glaneur.enrich.models import Analysis, Correction, Quote
from glaneur.transfer.exporters import export_topic
from tests.enrich.conftest import post_with

pytestmark = pytest.mark.django_db(transaction=True)


def exported(topic: Topic) -> dict[str, Any]:
    content = export_topic(topic, "json", base_url="https://glaneur.example").content
    return dict(json.loads(content))


def test_quotes_and_corrections_go_out_and_come_back(topic: Topic, tmp_path: Path) -> None:
    post = post_with(topic)  # analysed after its commit
    first = Quote.objects.filter(post=post).first()
    assert first is not None
    corrections.fix_speaker(first, "Paul Girard", by=topic.owner)
    document = exported(topic)
    (entry,) = document["posts"]
    assert [q["speaker"] for q in entry["voices"]["quotes"]] == ["Paul Girard", "Anne Roux"]
    assert entry["voices"]["corrections"][0]["kind"] == "speaker"
    document["topic"]["slug"] = "copie"
    path = tmp_path / "copie.json"
    path.write_text(json.dumps(document), "utf-8")
    call_command("import", str(path), "--create", verbosity=0)
    copy = Post.objects.get(topic__slug="copie")
    speakers = [q.speaker.name if q.speaker else None for q in Quote.objects.filter(post=copy)]
    assert speakers == ["Paul Girard", "Anne Roux"]
    assert Correction.objects.filter(post=copy, kind="speaker").count() == 1
    assert Analysis.objects.get(post=copy).text_hash == Analysis.objects.get(post=post).text_hash


def test_a_wrong_quote_in_a_file_imports_nothing(topic: Topic, tmp_path: Path) -> None:
    post_with(topic)
    document = exported(topic)
    document["topic"]["slug"] = "copie"
    document["posts"][0]["voices"]["quotes"] = [{"text": 12}]
    path = tmp_path / "copie.json"
    path.write_text(json.dumps(document), "utf-8")
    with pytest.raises(CommandError, match="voices"):
        call_command("import", str(path), "--create", verbosity=0)
    assert not Post.objects.filter(topic__slug="copie").exists()
