"""Extraction: title, summary, images, author, site, date, language and text of fetched pages."""

from __future__ import annotations

import json
import socket
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from glaneur.ingest.extract import (
    Article,
    BlockedPage,
    ExtractError,
    decode_html,
    detect_challenge,
    extract,
)

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
POITOU = "https://www.courrier-du-poitou.example"
ARTICLE_URL = f"{POITOU}/economie/2019/03/26/apee-poitiers-perennite-entreprises?utm_source=rss"


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Extraction works on the bytes it is given: any connection attempt fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("extraction tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


# --- a French news article with full OpenGraph ----------------------------------------


@pytest.fixture
def apee() -> Article:
    return extract(page("article-fr-opengraph.html"), url=ARTICLE_URL)


def test_french_article_fields_come_from_its_opengraph_tags(apee: Article) -> None:
    assert apee.url == ARTICLE_URL
    assert apee.canonical_url == f"{POITOU}/economie/2019/03/26/apee-poitiers-perennite-entreprises"
    assert apee.title == "L’APEE de Poitiers, agir pour la pérennité des entreprises"
    assert apee.summary == (
        "À Poitiers, l’Agence pour l’égalité entrepreneuriale accompagne les créateurs "
        "d’entreprise des quartiers prioritaires après la création, là où les défaillances "
        "se concentrent."
    )
    assert apee.author == "Claire Dubreuil"
    assert apee.site_name == "Le Courrier du Poitou"
    assert apee.published_at == datetime(2019, 3, 26, 10, 26, tzinfo=UTC)
    assert apee.language == "fr"


def test_french_article_images_put_opengraph_first_and_drop_pixels_and_icons(
    apee: Article,
) -> None:
    assert apee.image_urls == [
        f"{POITOU}/media/2019/03/apee-poitiers-une.jpg",  # og:image, also the first <img>
        f"{POITOU}/media/2019/03/apee-poitiers-carre.jpg",  # twitter:image
        "https://cdn.courrier-du-poitou.example/media/2019/03/atelier-apee.jpg",
        f"{POITOU}/media/2019/03/carte-qpv-nouvelle-aquitaine.png",  # relative src, resolved
    ]


def test_french_article_text_is_the_article_alone_in_paragraphs(apee: Article) -> None:
    paragraphs = apee.text.split("\n\n")
    assert paragraphs[0].startswith("En matière de création d’entreprises, les quartiers dits")
    assert "Un programme d’achat inclusif" in paragraphs
    assert any(p.startswith("« Personne n’est empêché de créer son entreprise") for p in paragraphs)
    assert paragraphs[-1].endswith(
        "Notre ambition n’est pas de les enfermer dans une approche spécifique. »"
    )
    assert all(p.strip() == p and "\n" not in p for p in paragraphs)
    for boilerplate in (
        "S’abonner",
        "À lire aussi",
        "Mentions légales",
        "Partager",
        "![",
        "Par Claire",
    ):
        assert boilerplate not in apee.text
    assert not apee.text.startswith(apee.title)


def test_as_dict_is_json_with_an_iso_date_and_round_trips(apee: Article) -> None:
    data = json.loads(json.dumps(apee.as_dict(), ensure_ascii=False))
    assert data == apee.as_dict()
    assert data["published_at"] == "2019-03-26T10:26:00+00:00"
    assert set(data) == {
        "url", "canonical_url", "title", "summary", "image_urls", "author", "site_name",
        "published_at", "language", "text",
    }  # fmt: skip
    rebuilt = Article(**{**data, "published_at": datetime.fromisoformat(data["published_at"])})
    assert rebuilt == apee


def test_as_dict_keeps_a_missing_date_as_null(apee: Article) -> None:
    assert replace(apee, published_at=None).as_dict()["published_at"] is None


def test_str_input_gives_the_same_article_as_bytes(apee: Article) -> None:
    html = page("article-fr-opengraph.html").decode("utf-8")
    assert extract(html, url=ARTICLE_URL) == apee


# --- titles -----------------------------------------------------------------------------


def test_page_without_title_element_takes_its_h1() -> None:
    article = extract(page("no-title-h1.html"), url="https://www.mission-locale-agen.example/carap")
    assert article.title == "Agen, la clé d’un accompagnement réussi"
    assert article.summary == (
        "Le cœur de métier d’une mission locale est le suivi des jeunes de 16 à 25 ans. "
        "Mais il arrive que ce « droit commun » se révèle insuffisant pour capter une partie "
        "du public, celle qui justement a le plus besoin d’aide."
    )
    assert article.site_name == "mission-locale-agen.example"
    assert article.language == "fr"
    assert article.canonical_url is None
    assert article.image_urls == []
    assert article.author == ""
    assert article.published_at is None
    assert article.text.startswith("Le cœur de métier d’une mission locale")
    assert article.text.endswith("au moins en CDD de six mois.")
    assert len(article.text.split("\n\n")) == 4
    assert "Employeurs" not in article.text and "8 rue Jacquard" not in article.text


def test_page_with_only_paragraphs_takes_its_first_sentence_as_title() -> None:
    article = extract(page("no-title-paragraphs.html"), url="http://nouvel-r.example/")
    assert article.title == (
        "Le Smicval, syndicat de collecte des déchets de Haute Gironde, a lancé "
        "l’association Nouvel’R il y a un an."
    )
    assert article.summary == (
        "Le Smicval, syndicat de collecte des déchets de Haute Gironde, a lancé l’association "
        "Nouvel’R il y a un an. Son ambition : transformer les déchets en ressources, et les "
        "ressources en emplois."
    )
    assert article.site_name == "nouvel-r.example"
    assert article.language == ""
    assert article.published_at is None
    assert len(article.text.split("\n\n")) == 3


def test_title_from_a_long_first_sentence_is_cut_at_a_word() -> None:
    sentence = (
        "Dans la communauté de communes du Haut-Béarn, les employeurs du bâtiment, de "
        "l’aide à domicile et de la restauration se sont regroupés pour recruter ensemble "
        "des apprentis venus de toute la région"
    )
    html = f"<html><body><p>{sentence}. Le dispositif démarre en septembre.</p></body></html>"
    title = extract(html, url="https://haut-bearn.example/").title
    assert title.endswith("…")
    assert len(title) <= 120
    assert sentence.startswith(title[:-1])
    assert title[-2] != " "


def test_title_element_loses_the_site_name_suffix() -> None:
    html = (
        "<html><head><title>Forum de l’alternance à Niort – Deux-Sèvres Emploi</title>"
        '<meta property="og:site_name" content="Deux-Sèvres Emploi"></head>'
        "<body><h2>Agenda</h2><h2>Forum</h2><p>Le forum de l’alternance se tient mercredi "
        "au parc des expositions de Noron. Quarante entreprises y recrutent.</p></body></html>"
    )
    article = extract(html, url="https://deux-sevres-emploi.example/agenda/forum")
    assert article.title == "Forum de l’alternance à Niort"
    assert article.site_name == "Deux-Sèvres Emploi"


def test_title_is_never_just_the_site_name_when_the_page_says_more() -> None:
    html = (
        "<html><head><title>Bilan 2.0 du plan jeunes | Emploi Landes</title></head><body>"
        "<p>Le plan jeunes a permis 1 200 entrées en formation dans les Landes cette année."
        "</p></body></html>"
    )
    assert extract(html, url="https://emploi-landes.example/").title == "Bilan 2.0 du plan jeunes"


def test_og_title_wins_and_entities_and_spaces_are_normalised() -> None:
    html = (
        "<html><head><title>Autre titre</title>"
        '<meta property="og:title" '
        'content="  L&amp;#8217;AFPA  de\n Brive &amp;amp; ses   stagiaires ">'
        '<meta property="og:description" content="Visite &amp;laquo;portes ouvertes&amp;raquo;.">'
        "</head><body><h1>Encore un autre</h1><p>Texte de l’article, assez long pour être "
        "retenu par l’extracteur comme contenu principal de la page.</p></body></html>"
    )
    article = extract(html, url="https://brive.example/afpa")
    assert article.title == "L’AFPA de Brive & ses stagiaires"
    assert article.summary == "Visite «portes ouvertes»."


# --- summaries --------------------------------------------------------------------------


def test_summary_from_text_stops_at_a_sentence_within_300_characters() -> None:
    sentences = [
        "La Région Nouvelle-Aquitaine lance un appel à projets pour les tiers-lieux ruraux.",
        "Les structures retenues recevront jusqu’à 50 000 € sur deux ans.",
        "Elles devront proposer des ateliers numériques et un accueil pour les demandeurs "
        "d’emploi.",
        "Le dépôt des dossiers est ouvert jusqu’au 30 juin, sur la plateforme régionale.",
        "Un webinaire de présentation aura lieu le 12 mai.",
    ]
    html = "<html><body><h1>Tiers-lieux</h1><p>" + " ".join(sentences) + "</p></body></html>"
    summary = extract(html, url="https://nouvelle-aquitaine.example/").summary
    assert summary == " ".join(sentences[:3])
    assert len(summary) <= 300


def test_summary_of_one_endless_sentence_is_cut_at_a_word() -> None:
    words = " ".join(["accompagnement"] * 40)
    html = f"<html><body><h1>Titre</h1><p>{words}</p></body></html>"
    summary = extract(html, url="https://x.example/").summary
    assert len(summary) <= 300
    assert summary.endswith("accompagnement…")


# --- encodings --------------------------------------------------------------------------


def test_iso_8859_1_page_without_declared_charset_reads_right() -> None:
    article = extract(page("latin1-undeclared.html"), url="https://www.limoges-actu.example/a")
    assert article.title == (
        "Limoges : une école du numérique ouvre ses portes aux demandeurs d'emploi"
    )
    assert article.summary == (
        "À Limoges, une formation gratuite de huit mois prépare des demandeurs d'emploi aux "
        "métiers du développement web."
    )
    assert "ancienne caserne réhabilitée du quartier de Beaubreuil. Âgés de 19 à 52 ans" in (
        article.text
    )
    assert "« Nous cherchons des profils très différents" in article.text
    assert "Prochaine session à Guéret, au printemps." in article.text
    assert "\ufffd" not in article.text and "Ã" not in article.text
    assert article.site_name == "limoges-actu.example"
    assert article.published_at == datetime(
        2019, 9, 12, tzinfo=UTC
    )  # "Publié le 12 septembre 2019"
    assert article.language == ""


def test_windows_1252_page_keeps_curly_quotes_euro_and_ligatures() -> None:
    article = extract(page("cp1252-declared.html"), url="https://charente-active.example/a")
    assert article.title == (
        "Insertion : 2,5 M€ pour “l’œuvre commune” des missions locales de Charente"
    )
    assert article.summary.startswith("Le conseil départemental a voté jeudi une enveloppe")
    assert "« C’est un signal fort… et une responsabilité »" in article.text
    assert "“permanences mobiles”" in article.text
    assert "18 000 €" in article.text
    assert article.site_name == "La Charente Active"
    assert article.language == "fr"
    assert article.published_at is None


def test_decode_html_prefers_the_http_charset_to_the_meta_one() -> None:
    body = '<meta charset="utf-8"><p>Café</p>'.encode("cp1252")
    assert "Café" in decode_html(body, "windows-1252")


def test_decode_html_reads_a_byte_order_mark_first() -> None:
    body = "\ufeff<p>Été</p>".encode("utf-8")
    assert decode_html(body, "iso-8859-1") == "<p>Été</p>"


def test_decode_html_reads_meta_http_equiv_and_xml_declarations() -> None:
    http_equiv = '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-15">€'
    assert decode_html(http_equiv.encode("iso-8859-15")).endswith("€")
    xml = '<?xml version="1.0" encoding="windows-1252"?><html><p>“œ”</p></html>'
    assert "“œ”" in decode_html(xml.encode("cp1252"))


@pytest.mark.parametrize("label", ["iso-8859-1", "latin1", "ISO_8859-1", "us-ascii"])
def test_decode_html_reads_latin_1_labels_as_windows_1252(label: str) -> None:
    body = "“Là-bas” coûte 5 €".encode("cp1252")
    assert decode_html(body, label) == "“Là-bas” coûte 5 €"


def test_decode_html_without_any_declaration_tries_utf8_then_windows_1252() -> None:
    assert decode_html("<p>Pôle emploi</p>".encode()) == "<p>Pôle emploi</p>"
    assert decode_html("<p>Pôle emploi</p>".encode("latin-1")) == "<p>Pôle emploi</p>"


def test_decode_html_falls_back_when_the_declared_utf8_is_wrong() -> None:
    body = "<p>Réunion à Périgueux</p>".encode("latin-1")
    assert decode_html(body, "utf-8") == "<p>Réunion à Périgueux</p>"


def test_decode_html_keeps_utf8_with_one_stray_latin_1_byte() -> None:
    body = ("<p>" + "Économie sociale et solidaire à Bègles. " * 5 + "</p>").encode() + b"\xe9"
    assert decode_html(body).startswith("<p>Économie sociale")


def test_decode_html_survives_unknown_labels_and_undefined_windows_1252_bytes() -> None:
    assert decode_html(b"<p>caf\xe9 \x81\x8d</p>", "no-such-charset") == "<p>café \x81\x8d</p>"


# --- other languages --------------------------------------------------------------------


def test_english_article() -> None:
    article = extract(
        page("article-en.html"), url="https://skills-observer.example/news/green-jobs"
    )
    assert article.title == "Local employers and colleges team up to fill green jobs"
    assert article.summary == (
        "A partnership in Tees Valley trains heat-pump installers in twelve weeks."
    )
    assert article.image_urls == [
        "https://skills-observer.example/images/heat-pump-course.jpg",
        "https://skills-observer.example/images/heat-pump-course-workshop.jpg",
    ]
    assert article.author == "Jane Whitfield"
    assert article.site_name == "Northern Skills Observer"
    assert article.published_at == datetime(2023, 5, 4, 8, 30, tzinfo=UTC)
    assert article.language == "en"
    assert article.canonical_url is None
    assert article.text.startswith("Employers in the Tees Valley say they cannot find enough")
    assert "funded by the regional skills fund." in article.text
    assert "Home" not in article.text and "©" not in article.text


# --- challenge and bot-check pages ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("challenge-cloudflare.html", "Cloudflare “Just a moment…”"),
        ("challenge-recaptcha.html", "captcha"),
        ("challenge-datadome.html", "DataDome"),
    ],
)
def test_challenge_pages_are_blocked_with_a_clear_reason(name: str, words: str) -> None:
    with translation.override("en"), pytest.raises(BlockedPage) as blocked:
        extract(page(name), url="https://www.courrier-du-poitou.example/a", status=200)
    assert words in blocked.value.reason
    assert blocked.value.reason.endswith("article.")
    assert str(blocked.value) == blocked.value.reason


def test_article_that_talks_about_captchas_and_robots_is_not_a_challenge() -> None:
    body = page("article-mentions-captcha.html")
    assert detect_challenge(body.decode("utf-8")) is None
    article = extract(body, url="https://observatoire-numerique.example/analyses/captcha")
    assert article.title == "Démarches en ligne : quand le captcha bloque les demandeurs d’emploi"
    assert article.canonical_url == (
        "https://observatoire-numerique.example/analyses/captcha-demandeurs-emploi"
    )
    assert article.site_name == "L’Observatoire des usages numériques"
    assert article.published_at == datetime(2024, 2, 11, tzinfo=UTC)
    assert "« Quand le message “Are you a robot?” s’affiche" in article.text
    assert "Réagir" not in article.text and "Publier" not in article.text


CLOUDFLARE_BLOCK = """<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title>
</head><body><div id="cf-wrapper"><div id="cf-error-details"><h1>Sorry, you have been blocked</h1>
<h2>You are unable to access charente-libre.example</h2><h2>Why have I been blocked?</h2>
<p>This website is using a security service to protect itself from online attacks.</p>
<p>Cloudflare Ray ID: <strong>8a1b2c3d4e5f6a7b</strong></p></div></div></body></html>"""
AKAMAI = """<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD><BODY><H1>Access Denied</H1>
You don't have permission to access "http&#58;&#47;&#47;www&#46;x&#46;example&#47;" on this
server.<P>Reference&#32;&#35;18&#46;2f3e1002&#46;1719400000&#46;1a2b3c4d
<P>https&#58;&#47;&#47;errors&#46;edgesuite&#46;net&#47;18&#46;2f3e1002</BODY></HTML>"""
PERIMETERX = """<html><head><title>Access to this page has been denied</title></head><body>
<div id="px-captcha"></div><p>Press &amp; Hold to confirm you are a human (and not a bot).</p>
<script src="/AbCdEf/captcha/captcha.js"></script></body></html>"""
JS_AND_COOKIES = """<html><head><title>sudouest.example</title></head><body><noscript>
Please enable JavaScript and cookies to continue</noscript></body></html>"""
IMPERVA = """<html><head><title>Pardon Our Interruption</title></head><body><p>As you were
browsing something about your browser made us think you were a bot.</p></body></html>"""


@pytest.mark.parametrize(
    ("html", "words"),
    [
        (CLOUDFLARE_BLOCK, "Cloudflare “Attention Required!”"),
        (AKAMAI, "Akamai"),
        (PERIMETERX, "PerimeterX"),
        (JS_AND_COOKIES, "JavaScript and cookies"),
        (IMPERVA, "Imperva"),
    ],
)
def test_detect_challenge_names_the_bot_check(html: str, words: str) -> None:
    with translation.override("en"):
        reason = detect_challenge(html)
    assert reason is not None
    assert words in reason


def test_short_page_answered_with_429_and_a_captcha_form_is_a_challenge() -> None:
    html = (
        "<html><head><title>Le Journal</title></head><body><form action='/verify'>"
        "<input name='captcha_answer'></form></body></html>"
    )
    assert detect_challenge(html, status=429) is not None


def test_short_article_with_a_captcha_in_its_comment_form_is_not_a_challenge() -> None:
    paragraph = (
        "<p>La mission locale du Bergeracois ouvre une antenne à Sainte-Foy-la-Grande. Les "
        "jeunes y seront reçus deux jours par semaine, sur rendez-vous ou sans.</p>"
    )
    html = (
        "<html><head><title>Une antenne à Sainte-Foy-la-Grande</title>"
        '<script src="https://www.google.com/recaptcha/api.js"></script></head><body>'
        f"<article><h1>Une antenne à Sainte-Foy-la-Grande</h1>{paragraph * 5}</article>"
        '<form id="comment-form"><textarea></textarea><div class="g-recaptcha"></div></form>'
        '<script src="/cdn-cgi/challenge-platform/scripts/jsd/main.js"></script></body></html>'
    )
    assert detect_challenge(html, status=200) is None


def test_long_article_titled_access_denied_is_not_a_challenge() -> None:
    paragraph = "<p>" + "Le refus d’accès aux formations reste fréquent pour les jeunes. " * 8
    html = f"<html><head><title>Access denied</title></head><body>{paragraph * 6}</body></html>"
    assert detect_challenge(html, status=200) is None


def test_ordinary_short_page_is_not_a_challenge() -> None:
    html = (
        "<html><head><title>Contact</title><meta name='robots' content='index'></head>"
        "<body><p>Écrivez-nous.</p></body></html>"
    )
    assert detect_challenge(html, status=403) is None
    assert detect_challenge(html) is None


# --- PDF ----------------------------------------------------------------------------------


def _pdf_literal(text: str) -> bytes:
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _pdf_text_string(text: str) -> bytes:
    return b"<" + ("\ufeff" + text).encode("utf-16-be").hex().upper().encode() + b">"


def make_pdf(
    lines: list[str],
    *,
    title: str | None = None,
    author: str | None = None,
    created: str | None = None,
    lang: str | None = "fr-FR",
) -> bytes:
    """A one-page PDF written by hand: Helvetica text in WinAnsiEncoding, an Info dictionary."""
    content = b"BT /F1 12 Tf 14 TL 72 770 Td "
    content += b" ".join(_pdf_literal(line) + b" Tj T*" for line in lines) + b" ET"
    info = b"<< /Producer (Glaneur tests)"
    if title is not None:
        info += b" /Title " + _pdf_text_string(title)
    if author is not None:
        info += b" /Author " + _pdf_text_string(author)
    if created is not None:
        info += b" /CreationDate (" + created.encode() + b")"
    info += b" >>"
    catalog = b"<< /Type /Catalog /Pages 2 0 R"
    catalog += (b" /Lang (" + lang.encode() + b")" if lang else b"") + b" >>"
    objects = [
        catalog,
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
        b" /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        info,
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


PDF_URL = "https://www.cap-metiers.example/publications/tableau-de-bord-2024.pdf"
PDF_LINE = (
    "Tableau de bord de l’emploi en Nouvelle-Aquitaine : les missions locales ont accompagné "
    "98 000 jeunes en 2023, soit 4 % de plus qu’en 2022."
)


def test_pdf_gives_its_metadata_title_and_its_text() -> None:
    article = extract(page("rapport-observatoire.pdf"), url=PDF_URL, content_type="application/pdf")
    assert article == Article(
        url=PDF_URL,
        canonical_url=None,
        title="Tableau de bord régional de l’emploi – édition 2024",
        summary=PDF_LINE,
        image_urls=[],
        author="Cap Métiers Nouvelle-Aquitaine",
        site_name="cap-metiers.example",
        published_at=datetime(2024, 1, 15, 8, 30, tzinfo=UTC),
        language="fr",
        text=PDF_LINE,
    )


def test_pdf_without_title_metadata_takes_its_first_line() -> None:
    body = make_pdf(
        ["Les métiers en tension en Gironde", "Une étude de l’observatoire."], lang=None
    )
    article = extract(body, url="https://x.example/etude.pdf", content_type="application/pdf")
    assert article.title == "Les métiers en tension en Gironde"
    assert article.language == ""
    assert article.published_at is None
    assert article.author == ""


def test_pdf_title_that_is_a_file_name_is_ignored() -> None:
    body = make_pdf(["Synthèse régionale 2024"], title="Microsoft Word - synthese_v3.docx")
    assert extract(body, url="https://x.example/s.pdf", content_type="application/pdf").title == (
        "Synthèse régionale 2024"
    )


def test_pdf_is_recognised_by_its_bytes_whatever_the_content_type() -> None:
    body = make_pdf(["Bilan annuel"], title="Bilan")
    assert extract(
        body, url="https://x.example/b", content_type="application/octet-stream"
    ).title == ("Bilan")


def test_broken_pdf_is_an_extract_error() -> None:
    with pytest.raises(ExtractError) as error:
        extract(
            b"%PDF-1.7\n1 0 obj garbage",
            url="https://x.example/b.pdf",
            content_type="application/pdf",
        )
    assert "PDF" in error.value.reason


def test_empty_pdf_is_an_extract_error() -> None:
    with pytest.raises(ExtractError):
        extract(make_pdf([]), url="https://x.example/e.pdf", content_type="application/pdf")


# --- nothing usable -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [b"", b"   ", b"<html><body></body></html>", b"<html><head><title> </title></head></html>"],
)
def test_document_without_title_or_text_is_an_extract_error(body: bytes) -> None:
    with pytest.raises(ExtractError) as error:
        extract(body, url="https://x.example/")
    assert error.value.reason


def test_image_is_an_extract_error() -> None:
    with pytest.raises(ExtractError) as error:
        extract(b"\x89PNG\r\n\x1a\n", url="https://x.example/i.png", content_type="image/png")
    assert "image/png" in error.value.reason


def test_a_body_that_looks_like_a_url_is_never_fetched() -> None:
    # htmldate downloads a string that looks like a URL: extraction must not pass it one
    article = extract(b"https://www.courrier-du-poitou.example/", url="https://x.example/")
    assert article.title == "https://www.courrier-du-poitou.example/"


# --- images -------------------------------------------------------------------------------


def test_images_are_resolved_against_base_href_lazy_sources_and_capped_at_12() -> None:
    figures = "".join(
        f'<figure><img src="data:image/gif;base64,R0lGOD" data-src="img/photo-{n}.jpg" '
        f'alt="Photo {n}" width="600" height="400"><figcaption>Photo {n}</figcaption></figure>'
        f"<p>Paragraphe {n} de l’article sur le chantier d’insertion de Saintes, assez long "
        "pour compter comme du texte.</p>"
        for n in range(15)
    )
    html = (
        '<html><head><base href="https://cdn.saintes.example/2024/"></head><body><article>'
        f"<h1>Chantier d’insertion</h1>{figures}</article></body></html>"
    )
    images = extract(html, url="https://www.saintes.example/chantier").image_urls
    assert len(images) == 12
    assert images[0] == "https://cdn.saintes.example/2024/img/photo-0.jpg"
    assert all(url.startswith("https://cdn.saintes.example/2024/img/photo-") for url in images)
