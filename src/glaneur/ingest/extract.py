"""Turn a page we fetched (HTML, XHTML or PDF) into an Article: title, summary, images, text…

Main text, author, site name and date come from trafilatura (with htmldate), tuned for
precision; OpenGraph/Twitter tags, the canonical link, the images and the language are read
from the same parsed tree. Nothing here reaches the network: trafilatura is handed a parsed
tree, never a string it could take for a URL and download.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import trafilatura
from django.utils.translation import gettext as _
from lxml import etree
from lxml import html as lxml_html
from trafilatura.xml import xmltotxt

from glaneur.ingest.challenge import detect_challenge
from glaneur.ingest.encoding import decode_html
from glaneur.ingest.pagehead import Page, image_urls, read_page, text_of
from glaneur.ingest.pdf import PdfUnreadable, read_pdf
from glaneur.ingest.text import clean, cut_at_word, first_sentence, shorten

__all__ = [
    "Article",
    "BlockedPage",
    "ExtractError",
    "decode_html",
    "detect_challenge",
    "extract",
]

logger = logging.getLogger(__name__)

SUMMARY_LENGTH = 300
TITLE_FROM_TEXT_LENGTH = 120
MAX_TITLE_SCAN = 1000  # characters: longer "titles" are junk, and regexes need not scan them

PDF_TYPES = {"application/pdf", "application/x-pdf"}
UNREADABLE_KINDS = {"image", "audio", "video", "font", "model"}


@dataclass
class Article:
    url: str
    canonical_url: str | None
    title: str
    summary: str
    image_urls: list[str]
    author: str
    site_name: str
    published_at: datetime | None
    language: str
    text: str

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = asdict(self)
        data["published_at"] = self.published_at.isoformat() if self.published_at else None
        return data


class BlockedPage(Exception):
    """The site answered with a challenge or bot-check page instead of the document."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ExtractError(Exception):
    """Nothing usable (no title, no text) could be read from the document."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- metadata choices ---------------------------------------------------------------------

_SITE_SEPARATORS = r"(?:\s*[|•·]\s*|\s+[-–—:»/]\s+|\s*::\s*)"


def _without_site(title: str, site: str) -> str:
    if not site or title.casefold() == site.casefold():
        return title
    escaped = re.escape(site)
    for pattern in (rf"^(.+?){_SITE_SEPARATORS}{escaped}$", rf"^{escaped}{_SITE_SEPARATORS}(.+)$"):
        match = re.match(pattern, title, re.IGNORECASE)
        if match:
            return match.group(1).strip()
    return title


def _choose_title(page: Page, extracted: str, site: str, text: str) -> str:
    page_title = clean(page.title)[:MAX_TITLE_SCAN]
    extracted = clean(extracted)[:MAX_TITLE_SCAN]
    suffixes = [site]
    segments = re.split(_SITE_SEPARATORS, page_title)
    if len(segments) > 1 and extracted.casefold() == segments[-1].casefold():
        # trafilatura kept the part of "Title | Name" after the separator: the site's name
        suffixes.append(extracted)
        extracted = ""
    candidates = [
        clean(page.metas.get("og:title"))[:MAX_TITLE_SCAN],
        extracted,
        page_title,
        page.first_h1[:MAX_TITLE_SCAN],
    ]
    for suffix in suffixes:
        candidates = [_without_site(c, suffix) for c in candidates if c]
    # the site name alone is no title when the page offers another
    for candidate in candidates:
        if candidate.casefold() != site.casefold():
            return candidate
    if candidates:
        return candidates[0]
    return first_sentence(text, TITLE_FROM_TEXT_LENGTH)


def _site_name(extracted: dict[str, Any]) -> str:
    name = clean(extracted.get("sitename"))
    # trafilatura takes the part of "Title | Name" that holds a dot for a domain name; a
    # dotted part with spaces ("Bilan 2.0 du plan") is the title, not the site
    return "" if "." in name and " " in name else name


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _language_code(value: str | None) -> str:
    primary = re.split(r"[-_\s,;]", (value or "").strip(), maxsplit=1)[0].lower()
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) and primary != "und" else ""


def _language(page: Page, extracted: str | None) -> str:
    for value in (
        page.html_lang,
        page.metas.get("og:locale"),
        page.metas.get("content-language"),
        page.metas.get("language"),
        page.metas.get("dc.language"),
        extracted,
    ):
        if code := _language_code(value):
            return code
    return ""


_PUBLISHED_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "dcterms.issued",
    "dc.date.issued",
    "pubdate",
    "publishdate",
    "parsely-pub-date",
    "sailthru.date",
)


def _parse_datetime(value: str | None) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = datetime.fromisoformat(value[:10])
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _published_at(page: Page, extracted: str | None) -> datetime | None:
    """htmldate's day (it weighs every clue), with the time of day from the page's own
    metadata when that metadata agrees on the day."""
    precise = next(
        (
            parsed
            for value in (*(page.metas.get(k) for k in _PUBLISHED_KEYS), page.json_ld_published)
            if (parsed := _parse_datetime(value))
        ),
        None,
    )
    day = _parse_datetime(extracted)
    if day is None:
        return precise.astimezone(UTC) if precise else None
    if precise and precise.date() == day.date():
        return precise.astimezone(UTC)
    return day.astimezone(UTC)


# --- HTML ---------------------------------------------------------------------------------

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def _parse_html(text: str) -> Any:
    # lxml refuses str input that carries an XML encoding declaration; the text is decoded.
    text = _XML_DECLARATION.sub("", text, count=1)
    if not text.strip():
        return None
    tree = trafilatura.load_html(text)
    if tree is None:
        try:
            tree = lxml_html.document_fromstring(text)
        except (etree.ParserError, ValueError):
            tree = None
    return tree


def _paragraphs(text: str) -> list[str]:
    return [p for p in (" ".join(line.split()) for line in text.splitlines()) if p]


def _fallback_text(tree: Any) -> str:
    """Paragraphs of the page outside navigation, for pages too thin for trafilatura."""
    paragraphs = [
        text_of(p)
        for p in tree.xpath(
            "//body//p[not(ancestor::nav or ancestor::header or ancestor::footer"
            " or ancestor::aside or ancestor::form)]"
        )
    ]
    return "\n".join(p for p in paragraphs if p)


def _extract_html(text: str, url: str) -> Article:
    tree = _parse_html(text)
    if tree is None:
        raise ExtractError(_("The document is empty or is not HTML."))
    page = read_page(tree, url)
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        favor_precision=True,
        with_metadata=True,
        include_comments=False,
        include_images=True,
        include_tables=True,
    )
    extracted: dict[str, Any] = {}
    body_images: list[str] = []
    main_text = ""
    if document is not None and not isinstance(document, dict):
        extracted = document.as_dict()
        if document.body is not None:
            body_images = [g.get("src", "") for g in document.body.iter("graphic")]
            etree.strip_elements(document.body, "graphic", with_tail=False)
            main_text = xmltotxt(document.body, False)
    else:
        # too little text for trafilatura: keep the metadata and the page's own paragraphs
        extracted = trafilatura.extract_metadata(tree, default_url=url).as_dict()
        main_text = _fallback_text(tree)

    site = clean(page.metas.get("og:site_name")) or _site_name(extracted) or _host(url)
    paragraphs = _paragraphs(main_text)
    title = _choose_title(page, extracted.get("title") or "", site, "\n".join(paragraphs))
    if paragraphs and paragraphs[0].casefold() == title.casefold():
        paragraphs = paragraphs[1:]  # the headline is the title, not the text
    body_text = "\n\n".join(paragraphs)
    if not title and not body_text:
        raise ExtractError(_("The page has neither a title nor any text to extract."))
    description = (
        page.metas.get("og:description")
        or page.metas.get("description")
        or page.metas.get("twitter:description")
        or extracted.get("description")
    )
    author = clean(extracted.get("author")) or clean(page.metas.get("author"))
    if author.startswith(("http://", "https://")):
        author = ""
    return Article(
        url=url,
        canonical_url=page.canonical,
        title=title,
        summary=shorten(clean(description) or body_text, SUMMARY_LENGTH),
        image_urls=image_urls(page, body_images),
        author=author,
        site_name=site,
        published_at=_published_at(page, extracted.get("date")),
        language=_language(page, extracted.get("language")),
        text=body_text,
    )


# --- PDF ----------------------------------------------------------------------------------


def _extract_pdf(body: bytes, url: str) -> Article:
    try:
        pdf = read_pdf(body)
    except PdfUnreadable as error:
        raise ExtractError(error.reason) from error
    paragraphs = _paragraphs(pdf.text)
    title = pdf.title or cut_at_word(pdf.first_line, TITLE_FROM_TEXT_LENGTH)
    if not title and not paragraphs:
        raise ExtractError(_("The PDF has no text to extract (a scan without OCR?) and no title."))
    return Article(
        url=url,
        canonical_url=None,
        title=title,
        summary=shorten(" ".join(paragraphs), SUMMARY_LENGTH),
        image_urls=[],
        author=pdf.author,
        site_name=_host(url),
        published_at=pdf.published_at,
        language=pdf.language,
        text="\n\n".join(paragraphs),
    )


# --- entry point --------------------------------------------------------------------------


def extract(
    body: bytes | str,
    *,
    url: str,
    content_type: str = "text/html",
    charset: str | None = None,
    status: int | None = None,
) -> Article:
    """Extract the article from a fetched document (HTML, XHTML or PDF).

    Raises BlockedPage for a challenge/bot-check page, ExtractError when nothing is usable.
    """
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime.split("/", 1)[0] in UNREADABLE_KINDS:
        raise ExtractError(
            _("Glaneur cannot extract an article from a %(type)s document.") % {"type": mime}
        )
    if isinstance(body, bytes) and (mime in PDF_TYPES or body[:1024].lstrip().startswith(b"%PDF-")):
        return _extract_pdf(body, url)
    if mime in PDF_TYPES:
        raise ExtractError(_("The document claims to be a PDF but is not one."))
    text = body if isinstance(body, str) else decode_html(body, charset)
    if reason := detect_challenge(text, status=status):
        raise BlockedPage(reason)
    return _extract_html(text, url)
