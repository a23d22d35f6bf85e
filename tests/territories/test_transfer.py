"""A post's places travel in the Glaneur JSON export and back, corrections included; a bad
place in a file stops the import before anything is written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from glaneur.curation import services
from glaneur.curation.models import Post, Topic
from glaneur.territories import services as places
from glaneur.territories.models import PostPlace
from glaneur.transfer.exporters import export_topic

pytestmark = pytest.mark.django_db(transaction=True)


def exported(topic: Topic) -> dict[str, Any]:
    content = export_topic(topic, "json", base_url="https://glaneur.example").content
    return dict(json.loads(content))


def test_places_and_corrections_go_out_and_come_back(
    topic: Topic, curator: Any, tmp_path: Path
) -> None:
    post = services.create_post(topic, by=curator, title="Forums à Niort et Melle")
    places.correct_place(post, by=curator, kind="commune", code="79174", keep=False)
    places.correct_place(post, by=curator, kind="region", code="75", keep=True)
    document = exported(topic)
    (entry,) = document["posts"]
    assert {(p["code"], p["source"], p["removed"]) for p in entry["places"]} == {
        ("79191", "text", False),
        ("79174", "text", True),
        ("75", "person", False),
    }
    document["topic"]["slug"] = "copie"
    path = tmp_path / "copie.json"
    path.write_text(json.dumps(document), "utf-8")
    call_command("import", str(path), "--create", verbosity=0)
    copy = Post.objects.get(topic__slug="copie")
    rows = {(p.code, p.source, p.removed) for p in PostPlace.objects.filter(post=copy)}
    assert rows == {("79191", "text", False), ("79174", "text", True), ("75", "person", False)}


def test_an_unknown_place_names_the_post_and_imports_nothing(
    topic: Topic, curator: Any, tmp_path: Path
) -> None:
    services.create_post(topic, by=curator, title="Un forum à Niort")
    services.create_post(topic, by=curator, title="Un forum à Agen")
    document = exported(topic)
    document["topic"]["slug"] = "copie"
    document["posts"][1]["places"] = [{"kind": "commune", "code": "00000"}]
    path = tmp_path / "copie.json"
    path.write_text(json.dumps(document), "utf-8")
    with pytest.raises(CommandError, match=r"2.*places.*00000"):
        call_command("import", str(path), "--create", verbosity=0)
    assert not Post.objects.filter(topic__slug="copie").exists()
