"""Extraction errors (shown on a post that could not be read) are in the person's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from glaneur.ingest.extract import ExtractError, extract


@pytest.mark.parametrize(
    ("body", "content_type", "french", "english"),
    [
        (
            b"",
            "text/html",
            "Le document est vide ou n’est pas du HTML.",
            "The document is empty or is not HTML.",
        ),
        (
            b"\x89PNG",
            "image/png",
            "Glaneur ne sait pas extraire un article d’un document image/png.",
            "Glaneur cannot extract an article from a image/png document.",
        ),
        (
            "<html>",  # text already decoded: not the bytes of a PDF
            "application/pdf",
            "Le document se dit PDF mais n’en est pas un.",
            "The document claims to be a PDF but is not one.",
        ),
    ],
)
def test_extraction_errors_speak_one_language(
    body: bytes | str, content_type: str, french: str, english: str
) -> None:
    for language, expected in (("fr", french), ("en", english)):
        with translation.override(language), pytest.raises(ExtractError) as caught:
            extract(body, url="https://example.org/a", content_type=content_type)
        assert caught.value.reason == expected


def test_bot_check_and_pdf_reasons_speak_one_language() -> None:
    from glaneur.ingest.challenge import detect_challenge
    from glaneur.ingest.pdf import PdfUnreadable, read_pdf

    page = "<html><head><title>Just a moment...</title></head><body></body></html>"
    with translation.override("fr"):
        assert "vérification anti-robot" in (detect_challenge(page) or "")
        with pytest.raises(PdfUnreadable) as caught:
            read_pdf(b"%PDF-1.4 broken")
        assert caught.value.reason.startswith("Le PDF n'a pas pu être lu")
    with translation.override("en"):
        assert "bot check" in (detect_challenge(page) or "")
