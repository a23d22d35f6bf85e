"""`glaneur extract URL|FILE` prints the extracted article as JSON, or why there is none."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from glaneur.ingest.fetch import FetchResult
from glaneur.ingest.fetch_errors import FetchError
from glaneur.ingest.management.commands import extract as extract_command
from glaneur.ingest.management.commands.extract import Command

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"


def run(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command(Command(), *args, stdout=out)
    return json.loads(out.getvalue())


def test_extract_a_local_html_file_prints_the_article_as_json() -> None:
    path = PAGES / "article-fr-opengraph.html"
    data = run(str(path))
    assert data["url"] == path.resolve().as_uri()
    assert data["url"].startswith("file:///")
    assert data["title"] == "L’APEE de Poitiers, agir pour la pérennité des entreprises"
    assert data["site_name"] == "Le Courrier du Poitou"
    assert data["published_at"] == "2019-03-26T10:26:00+00:00"
    assert data["language"] == "fr"
    assert data["text"].startswith("En matière de création d’entreprises")


def test_output_keeps_accents_readable() -> None:
    out = StringIO()
    call_command(Command(), str(PAGES / "latin1-undeclared.html"), stdout=out)
    assert "Limoges : une école du numérique" in out.getvalue()
    assert "\\u00e9" not in out.getvalue()


def test_url_option_gives_the_file_its_address() -> None:
    base = "https://www.courrier-du-poitou.example/economie/2019/03/26/apee"
    data = run(str(PAGES / "article-fr-opengraph.html"), "--url", base)
    assert data["url"] == base
    assert (
        "https://www.courrier-du-poitou.example/media/2019/03/carte-qpv-nouvelle-aquitaine.png"
        in (data["image_urls"])
    )


def test_extract_a_local_pdf() -> None:
    data = run(str(PAGES / "rapport-observatoire.pdf"))
    assert data["title"] == "Tableau de bord régional de l’emploi – édition 2024"
    assert data["author"] == "Cap Métiers Nouvelle-Aquitaine"
    assert data["site_name"] == ""
    assert data["text"].startswith("Tableau de bord de l’emploi en Nouvelle-Aquitaine")


def test_challenge_page_is_an_error_with_its_reason() -> None:
    path = PAGES / "challenge-cloudflare.html"
    with pytest.raises(CommandError) as error:
        run(str(path))
    assert "Cloudflare « Just a moment… »" in str(error.value)  # the CLI speaks French


def test_command_line_prints_the_reason_on_stderr_and_exits_non_zero(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        Command().run_from_argv(["glaneur", "extract", str(PAGES / "challenge-datadome.html")])
    assert exit_.value.code != 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "DataDome" in captured.err


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "vide.html"
    empty.write_bytes(b"")
    with pytest.raises(CommandError) as error:
        run(str(empty))
    assert "vide.html: Le document est vide" in str(error.value)  # the site's language


def test_neither_a_file_nor_a_web_address_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as error:
        run(str(tmp_path / "absent.html"))
    assert "ce fichier n'existe pas" in str(error.value)


def test_a_web_address_is_fetched_then_extracted(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def fake_fetch(url: str) -> FetchResult:
        asked.append(url)
        return FetchResult(
            url="https://www.limoges-actu.example/ecole-numerique",
            status=200,
            content_type="text/html",
            charset="iso-8859-1",
            body=(PAGES / "latin1-undeclared.html").read_bytes(),
            headers={},
        )

    monkeypatch.setattr(extract_command, "fetch", fake_fetch)
    data = run("https://limoges-actu.example/r/123")
    assert asked == ["https://limoges-actu.example/r/123"]
    assert data["url"] == "https://www.limoges-actu.example/ecole-numerique"
    assert data["site_name"] == "limoges-actu.example"
    assert "ancienne caserne réhabilitée" in data["text"]


def test_a_fetch_error_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(url: str) -> FetchResult:
        raise FetchError("blocked_address", "This address points inside a private network.")

    monkeypatch.setattr(extract_command, "fetch", refused)
    with pytest.raises(CommandError) as error:
        run("http://192.168.1.1/")
    assert "inside a private network" in str(error.value)


def test_a_fetched_challenge_page_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    def challenge(url: str) -> FetchResult:
        body = (PAGES / "challenge-recaptcha.html").read_bytes()
        return FetchResult(url, 403, "text/html", None, body, {})

    monkeypatch.setattr(extract_command, "fetch", challenge)
    with pytest.raises(CommandError) as error:
        run("https://www.lanouvellerepublique.example/niort/forum-emploi")
    assert "captcha" in str(error.value)
