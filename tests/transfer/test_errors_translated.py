"""Errors people see during imports are in one language: French, or English, never a mix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from glaneur.curation.models import Topic
from glaneur.transfer.services import ImportFailed, import_file, import_scoopit

pytestmark = pytest.mark.django_db

NO_TITLE_PAGE = "Sujet\n3 views\nScooped by Ana\nScoop.it!\n\nNo comment yet.\n"


def failure(call: Any, language: str) -> str:
    with translation.override(language), pytest.raises((ImportFailed, CommandError)) as caught:
        call()
    return str(caught.value)


def test_a_scoopit_page_refused_speaks_one_language() -> None:
    def read() -> None:
        import_scoopit(NO_TITLE_PAGE)

    assert failure(read, "fr") == (
        "ligne 3 : le post de la ligne 3 n’a pas de titre ; laissé de côté"
    )
    assert failure(read, "en") == "line 3: the post at line 3 has no title; skipped"


def test_what_the_scoopit_reader_left_out_is_reported_in_the_language() -> None:
    page = "Sujet\nScooped by Ana\nMarchember 26, 2019 11:26 AM\nScoop.it!\n\nTitre\n"
    with translation.override("fr"):
        assert import_scoopit(page).messages == [
            "ligne 3 : 'Marchember 26, 2019 11:26 AM' n’est pas une date comme "
            "« March 26, 2019 11:26 AM » ; le post est gardé sans elle"
        ]


@pytest.mark.parametrize(
    ("content", "french", "english"),
    [
        (
            b'{"format": "glaneur",\n "version": 1\n "posts": []}',
            "ligne 3 : JSON non valide : il manque une virgule ici",
            "line 3: not valid JSON: a comma is missing here",
        ),
        (
            b"url,title\nhttps://example.org/a," + b"A" * 200_000 + b"\n",
            "ligne 2 : CSV non valide : une cellule dépasse 131072 caractères",
            "line 2: not valid CSV: a cell is longer than 131072 characters",
        ),
        (
            b'<?xml version="1.0"?>\n<rss version="2.0"><channel>\n<item></channel></rss>',
            "ligne 3 : XML mal formé : une balise fermante ne correspond pas à la balise ouvrante",
            "line 3: not well-formed XML: a closing tag does not match the opening one",
        ),
        (
            b"url,title,curated_at\nhttps://example.org/a,A,hier\n",
            "ligne 2 (élément 1) : curated_at : 'hier' n’est pas une date "
            "(utilisez 2024-05-01 ou 2024-05-01T14:30)",
            "line 2 (item 1): curated_at: 'hier' is not a date "
            "(use 2024-05-01 or 2024-05-01T14:30)",
        ),
    ],
)
def test_import_errors_speak_one_language(
    topic: Topic, content: bytes, french: str, english: str
) -> None:
    def read() -> None:
        import_file(content, topic=topic, by=None)

    assert failure(read, "fr") == french
    assert failure(read, "en") == english


def test_cli_errors_speak_one_language(topic: Topic, tmp_path: Path) -> None:
    missing = tmp_path / "absent.csv"
    page = tmp_path / "page.txt"
    page.write_text(NO_TITLE_PAGE, encoding="utf-8")
    csv_file = tmp_path / "posts.csv"
    csv_file.write_text("url,title\nhttps://example.org/a,A\n", encoding="utf-8")

    assert failure(lambda: call_command("import", str(missing), topic=topic.slug), "fr") == (
        f"{missing} : impossible de lire le fichier (fichier introuvable)"
    )
    assert failure(lambda: call_command("import", str(missing), topic=topic.slug), "en") == (
        f"{missing}: cannot read the file (no such file)"
    )
    assert failure(lambda: call_command("import", str(csv_file), topic="inconnu"), "fr") == (
        "aucun sujet n’a l’identifiant 'inconnu' "
        "(--create le crée à partir d’un fichier JSON de Glaneur)"
    )
    assert failure(lambda: call_command("import_scoopit", str(page)), "fr") == (
        f"{page} : ligne 3 : le post de la ligne 3 n’a pas de titre ; laissé de côté "
        "— rien n’a été importé"
    )
    assert failure(lambda: call_command("export", "inconnu"), "en") == (
        "no topic with the slug 'inconnu'"
    )
    # The curation commands curators use from a terminal.
    assert failure(lambda: call_command("scoop", "inconnu", "https://example.org/a"), "fr") == (
        "aucun sujet n’a l’identifiant 'inconnu'"
    )
    assert failure(lambda: call_command("refetch", "999999"), "fr") == "aucun post 999999"


def test_cli_import_reports_in_the_language(topic: Topic, tmp_path: Path, capsys: Any) -> None:
    csv_file = tmp_path / "posts.csv"
    csv_file.write_text("url,title\nhttps://example.org/a,A\n", encoding="utf-8")
    with translation.override("fr"):
        call_command("import", str(csv_file), topic=topic.slug)
    assert f"{topic.slug} : 1 posts importés, 0 déjà présents, 0 commentaires" in (
        capsys.readouterr().out
    )
