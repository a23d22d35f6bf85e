from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from glaneur.audience.models import Comment
from glaneur.curation.models import Membership, Post, Topic
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


def test_a_page_without_any_readable_post_is_refused_with_its_line_and_nothing_saved() -> None:
    with pytest.raises(ImportFailed) as failure:
        import_scoopit("Sujet\n3 views\nScooped by Ana\nScoop.it!\n\nNo comment yet.\n")
    assert failure.value.line == 3
    assert Topic.objects.count() == 0 and Post.objects.count() == 0
    assert not User.objects.exists()


def test_an_unreadable_date_is_reported_with_its_line_and_the_post_kept() -> None:
    lines = SEED.read_text().splitlines()
    # Break the date under the second "Scooped by".
    second = [n for n, line in enumerate(lines) if line.startswith("Scooped by")][1]
    lines[second + 1] = "not a date"
    with translation.override("en"):
        report = import_scoopit("\n".join(lines))
    assert report.created_posts == 4
    assert report.messages == [
        f"line {second + 2}: 'not a date' is not a date such as 'March 26, 2019 11:26 AM'; "
        "the post is kept without it"
    ]


def page_posts() -> list[Post]:
    return list(
        Post.objects.order_by("-curated_at")
        .select_related("curated_by")
        .prefetch_related("tags", "comments")
    )


def test_a_public_capture_without_dates_is_imported_whole() -> None:
    before = timezone.now()
    report = import_scoopit((FIXTURES / "public-topic.txt").read_bytes())
    after = timezone.now()
    topic = report.topic
    assert (report.created_posts, report.created_comments, report.messages) == (3, 2, [])
    assert topic.title == "Emploi et formation en Nouvelle-Aquitaine"
    assert topic.description.startswith("Ce que disent les acteurs locaux")
    assert topic.historical_views == 12_400
    assert topic.owner.get_full_name() == "Cap Métiers NA"
    limoges, bordeaux, pau = page_posts()  # the page's order, newest first
    assert limoges.title.startswith("Limoges, un garage solidaire")
    assert bordeaux.title == "Bordeaux : l’apprentissage progresse dans les métiers du numérique"
    assert pau.title.startswith("Pau, la mission locale")
    # No date on the page: the import time for the first post, one second less for each next.
    assert before <= limoges.curated_at <= after
    assert limoges.curated_at - bordeaux.curated_at == timedelta(seconds=1)
    assert bordeaux.curated_at - pau.curated_at == timedelta(seconds=1)
    assert [p.curated_by.get_full_name() for p in (limoges, bordeaux, pau)] == [
        "Cap Métiers NA",
        "Marie Curie",
        "Cap Métiers NA",
    ]
    assert (bordeaux.rescooped_from, bordeaux.via) == ("Veille formation", "Jean Veilleur")
    assert (limoges.rescooped_from, limoges.via) == ("", "")
    assert limoges.summary.endswith("Photo : Mobilité 87.")
    assert limoges.insight == "Un exemple à faire connaître aux conseillers en insertion."
    assert {t.name for t in limoges.tags.all()} == {"mobilité", "insertion", "garage solidaire"}
    assert bordeaux.insight == "Les chiffres de la région confirment la tendance nationale."
    comments = sorted(bordeaux.comments.all(), key=lambda c: c.created_at)
    assert [(c.author_name, c.is_curator_insight, c.text) for c in comments] == [
        ("Paul Martin", False, "Très intéressant.\n\nMerci pour le partage."),
        ("Cap Métiers NA", True, "À relayer auprès des conseillers."),
    ]
    assert comments[0].created_at == datetime(2019, 3, 16, 9, 5, tzinfo=PARIS)
    assert bordeaux.comment_count == 2
    assert Membership.objects.get(topic=topic, user=bordeaux.curated_by).role == "contributor"


def test_a_dateless_capture_imported_again_changes_nothing() -> None:
    data = (FIXTURES / "public-topic.txt").read_bytes()
    import_scoopit(data)
    before = snapshot()
    report = import_scoopit(data)
    assert (report.created_posts, report.skipped_posts, report.created_topic) == (0, 3, False)
    assert snapshot() == before


def test_a_custom_domain_capture_starting_mid_topic_keeps_every_readable_post() -> None:
    with translation.override("en"):
        report = import_scoopit((FIXTURES / "custom-domain-mid-topic.txt").read_bytes())
    assert report.topic.title == "Veille orientation Dordogne"
    assert report.created_posts == 3
    assert report.messages == [
        "lines 1–4: the end of a post that begins before the capture; skipped",
        "lines 36–39: the post at line 36 has no title; skipped",
    ]
    perigueux, bergerac, sarlat = page_posts()
    assert perigueux.title == "Périgueux, les métiers du bâtiment se montrent aux collégiens"
    assert perigueux.insight.startswith("Marty Note (lu au salon de l'orientation de Périgueux)")
    assert perigueux.insight.endswith(
        "Trois entreprises ont déjà proposé des stages de découverte."
    )
    assert perigueux.summary.endswith("qui peine à recruter des apprentis.")
    assert {t.name for t in perigueux.tags.all()} == {"bâtiment", "orientation"}
    assert (bergerac.rescooped_from, bergerac.via) == (
        "Emploi et territoires",
        "Emploi et territoires",
    )
    assert bergerac.insight.startswith("Marty Note\n\nLa question du logement")
    assert [(c.author_name, c.text) for c in bergerac.comments.all()] == [
        ("Sophie Bernard", "Le dispositif existe aussi en Lot-et-Garonne.")
    ]
    assert sarlat.title == "Sarlat, la mission locale sur les marchés"
    assert {p.curated_by.get_full_name() for p in (perigueux, bergerac, sarlat)} == {
        "Martin (Marty) Durand"
    }


def test_a_windows_1252_capture_is_decoded_like_the_other_importers() -> None:
    data = (FIXTURES / "public-topic-cp1252.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    with translation.override("en"):
        report = import_scoopit(data)
    assert report.messages == ["The file is not UTF-8; it was read as Windows-1252."]
    assert report.topic.title == "Orientation et métiers en Charente"
    angouleme, cognac = page_posts()
    assert angouleme.title == "Angoulême : l’école de la 2e chance fête ses dix ans"
    assert cognac.title == "Cognac recrute ses tonneliers… en formation courte"
    assert angouleme.insight.startswith("Le mot de Sylvie\nUne structure à citer")
    assert {t.name for t in angouleme.tags.all()} == {"décrochage", "seconde chance"}
    assert cognac.insight.endswith("aux conseillers Œuvre et Emploi.")
    assert [c.author_name for c in cognac.comments.all()] == ["Jean Dupré"]


def test_cli_imports_a_windows_1252_capture_and_prints_what_it_skipped(capsys: Any) -> None:
    with translation.override("en"):
        call_command("import_scoopit", str(FIXTURES / "custom-domain-mid-topic.txt"))
        call_command("import_scoopit", str(FIXTURES / "public-topic-cp1252.txt"))
    out = capsys.readouterr().out
    assert "lines 36–39: the post at line 36 has no title; skipped" in out
    assert "read as Windows-1252" in out
    assert Post.objects.filter(title__startswith="Angoulême").exists()


def test_cli_import_reports_and_refuses_bad_files(tmp_path: Path, capsys: Any) -> None:
    call_command("import_scoopit", str(SEED))
    assert "4" in capsys.readouterr().out
    bad = tmp_path / "bad.txt"
    bad.write_text("")
    with pytest.raises(CommandError, match=r"(line|ligne) 1"):
        call_command("import_scoopit", str(bad))
    assert Post.objects.count() == 4
