from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from glaneur.audience.models import Comment
from glaneur.curation.models import Post, Topic
from glaneur.transfer.services import ImportFailed, import_scoopit

pytestmark = pytest.mark.django_db
SEED = Path(__file__).parents[2] / "src/glaneur/data/scoopit-topic-initiatives-locales.txt"
FIXTURES = Path(__file__).parents[1] / "fixtures/scoopit"
PARIS = ZoneInfo("Europe/Paris")


def snapshot() -> list[tuple[Any, ...]]:
    return sorted(
        Post.objects.values_list(
            "pk", "title", "summary", "insight", "curated_at", "curated_by__username", "updated_at"
        )
    )


def test_seed_import_gives_one_topic_with_its_four_posts() -> None:
    report = import_scoopit(SEED.read_text(), source=str(SEED))
    topic = Topic.objects.get()
    assert report.topic == topic and report.created_posts == 4
    assert topic.title == "Initiatives locales et paroles d'acteurs"
    assert topic.slug == "initiatives-locales-et-paroles-d-acteurs"
    assert topic.historical_views == 54_700
    posts = list(Post.objects.order_by("-curated_at"))
    assert [p.title for p in posts] == [
        "L’APEE de Poitiers, agir pour la pérennité des entreprises",
        "Gironde, les déchets comme gisement d’emplois",
        "Agen, la clé d’un accompagnement réussi",
        "Deux-Sèvres, un circuit pour découvrir les métiers de service à la personne",
    ]
    assert [p.curated_at for p in posts] == [
        datetime(2019, 3, 26, 11, 26, tzinfo=PARIS),
        datetime(2019, 3, 15, 4, 42, tzinfo=PARIS),
        datetime(2019, 2, 15, 4, 56, tzinfo=PARIS),
        datetime(2019, 2, 1, 3, 32, tzinfo=PARIS),
    ]
    assert {p.curated_by.get_full_name() for p in posts} == {"Cap Métiers NA"}
    assert all(p.url == "" for p in posts)  # the capture has no source links: text posts
    assert posts[0].summary.startswith("En matière de création d’entreprises")
    assert topic.owner.get_full_name() == "Cap Métiers NA"
    assert not topic.owner.has_usable_password()


def test_reimport_of_the_seed_changes_nothing() -> None:
    import_scoopit(SEED.read_text())
    before = snapshot()
    report = import_scoopit(SEED.read_text())
    assert report.created_posts == 0 and report.skipped_posts == 4
    assert snapshot() == before
    assert Topic.objects.count() == 1


def test_imported_views_are_the_base_new_views_add_to(client: Any) -> None:
    topic = import_scoopit(SEED.read_text()).topic
    html = client.get(topic.get_absolute_url(), HTTP_USER_AGENT="Mozilla/5.0").content.decode()
    assert "54\u202f701 vues" in html or "54 701 vues" in html or "54\xa0701 vues" in html


def test_variants_fixture_imports_comments_tags_and_rescoops() -> None:
    report = import_scoopit((FIXTURES / "variants.txt").read_text())
    assert report.created_posts >= 3
    assert Comment.objects.exists()
    assert Post.objects.exclude(rescooped_from="").exists()
    assert Post.objects.filter(tags__isnull=False).exists()
    commented = Post.objects.filter(comment_count__gt=0).first()
    assert commented is not None
    assert commented.comment_count == commented.comments.count()


def test_html_page_imports_posts_with_their_source_urls() -> None:
    report = import_scoopit((FIXTURES / "topic.html").read_text())
    assert report.created_posts >= 1
    assert all(p.url.startswith("http") for p in Post.objects.all())


def test_malformed_file_is_refused_with_its_line_and_nothing_is_saved() -> None:
    lines = SEED.read_text().splitlines()
    # Break the date under the second "Scooped by".
    second = [n for n, line in enumerate(lines) if line.startswith("Scooped by")][1]
    lines[second + 1] = "not a date"
    with pytest.raises(ImportFailed) as failure:
        import_scoopit("\n".join(lines))
    assert failure.value.line == second + 2
    assert Topic.objects.count() == 0 and Post.objects.count() == 0


def test_cli_import_reports_and_refuses_bad_files(tmp_path: Path, capsys: Any) -> None:
    call_command("import_scoopit", str(SEED))
    assert "4" in capsys.readouterr().out
    bad = tmp_path / "bad.txt"
    bad.write_text("")
    with pytest.raises(CommandError, match=r"(line|ligne) 1"):
        call_command("import_scoopit", str(bad))
    assert Post.objects.count() == 4
