"""Turn a page we fetched (HTML, XHTML or PDF) into an Article: title, summary, images, text…

Main text, author, site name and date come from trafilatura (with htmldate), tuned for
precision; OpenGraph/Twitter tags, the canonical link, the images and the language are read
from the same parsed tree. Nothing here reaches the network: trafilatura is handed a parsed
tree, never a string it could take for a URL and download.
"""

from __future__ import annotations

import codecs
import html as html_entities
import json
import logging
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import trafilatura
from lxml import etree
from lxml import html as lxml_html
from trafilatura.xml import xmltotxt

from glaneur.ingest.challenge import detect_challenge
from glaneur.ingest.pdf import PdfUnreadable, read_pdf

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
MAX_IMAGES = 12
MIN_IMAGE_SIDE = 48  # pixels, when the markup gives a size: smaller is an icon or a pixel

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


# --- decoding ---------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_PRESCAN_BYTES = 8192
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml\b[^>]*?encoding\s*=\s*["']([\w.:-]+)""", re.IGNORECASE)
_C1_HANDLER = "glaneur-windows-1252"


def _c1_controls(error: UnicodeError) -> tuple[str, int]:
    # The five bytes Windows-1252 leaves undefined decode to C1 controls, as browsers do.
    assert isinstance(error, UnicodeDecodeError)  # noqa: S101 -- registered for decoding only
    return "".join(chr(b) for b in error.object[error.start : error.end]), error.end


codecs.register_error(_C1_HANDLER, _c1_controls)


def _codec_for(label: str, *, in_document: bool) -> str | None:
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    # As browsers do (WHATWG Encoding): Latin-1 and ASCII labels mean Windows-1252, and a
    # document that declares UTF-16 in its own ASCII-compatible bytes is really UTF-8.
    if name in {"iso8859-1", "ascii", "cp1252"}:
        return "cp1252"
    if in_document and name.startswith("utf-16"):
        return "utf-8"
    if name == "utf-8-sig":
        return "utf-8"
    return name


def _decode_as(body: bytes, codec: str) -> str | None:
    if codec == "cp1252":
        return body.decode("cp1252", errors=_C1_HANDLER)
    try:
        return body.decode(codec)
    except UnicodeDecodeError:
        if codec == "utf-8":
            return None  # mislabelled: keep looking
        return body.decode(codec, errors="replace")


def decode_html(body: bytes, charset: str | None = None) -> str:
    """Decode a page: BOM, else the HTTP charset, else `<meta>`/XML declaration, else UTF-8
    if the bytes are UTF-8, else Windows-1252 (which also reads ISO-8859-1 right)."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(codec, errors="replace")
    head = body[:_PRESCAN_BYTES]
    declared: list[str | None] = [_codec_for(charset, in_document=False) if charset else None]
    for pattern in (_XML_ENCODING, _META_CHARSET):
        match = pattern.search(head)
        if match:
            declared.append(_codec_for(match.group(1).decode("ascii"), in_document=True))
    for candidate in declared:
        if candidate and (text := _decode_as(body, candidate)) is not None:
            return text
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Mostly UTF-8 with a few stray bytes (a pasted Latin-1 snippet) stays UTF-8.
    text = body.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    fine = sum(1 for char in text if ord(char) > 0x7F) - broken
    if fine > 4 * broken:
        return text
    return body.decode("cp1252", errors=_C1_HANDLER)


# --- text helpers -----------------------------------------------------------------------

_SENTENCE_END = re.compile(
    r"[.!?…]+(?:\s*[»”\"')\]])*(?=\s+[«\"“'(\[A-ZÀ-ÖØ-Þ0-9]|\s*$)", re.UNICODE
)
_ABBREVIATION = re.compile(r"(?:^|\s)(?:[A-Z]|Mme|Mlle|MM|Dr|Pr|Me|St|Ste|cf|p|n°|etc|art)$")


def clean(value: str | None) -> str:
    """Decode leftover entities (double-escaped markup) and collapse whitespace."""
    if not value:
        return ""
    if "&" in value:
        value = html_entities.unescape(value)
    return " ".join(value.split())


def _sentences(text: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.group().startswith(".") and _ABBREVIATION.search(text[start : match.start()]):
            continue
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    if text[start:].strip():
        sentences.append(text[start:].strip())
    return sentences


def _cut_at_word(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:-–—(«“") + "…"


def shorten(text: str, limit: int) -> str:
    """As many whole sentences of `text` as fit in `limit` characters (at least one, cut)."""
    text = " ".join(text[: limit * 4].split())
    if len(text) <= limit:
        return text
    kept = ""
    for sentence in _sentences(text):
        candidate = f"{kept} {sentence}" if kept else sentence
        if len(candidate) > limit:
            break
        kept = candidate
    return kept or _cut_at_word(text, limit)


def first_sentence(text: str, limit: int) -> str:
    sentences = _sentences(" ".join(text[: limit * 4].split()))
    return _cut_at_word(sentences[0], limit) if sentences else ""


# --- the page's own head: OpenGraph, Twitter, canonical, images, language ---------------


@dataclass
class _Page:
    base_url: str
    metas: dict[str, str]  # first value for each lower-cased property/name/itemprop
    meta_images: list[str]
    canonical: str | None
    title: str
    first_h1: str
    html_lang: str
    # an <img>'s URL, resolved against <base href> and against the page URL (as trafilatura
    # does) -> (its URL resolved against <base href>, its attributes)
    images: dict[str, tuple[str, dict[str, str]]]
    article_images: list[str]  # <img>s of <article>/<main>, the fallback when trafilatura has none
    json_ld_published: str


_IMAGE_META_KEYS = (
    "og:image",
    "og:image:url",
    "og:image:secure_url",
    "twitter:image",
    "twitter:image:src",
)
_TRACKER = re.compile(
    r"(?:^|[/_.=-])(?:pixel|spacer|blank|beacon|tracking|1x1|transparent)(?:[/_.?=-]|$)"
    r"|facebook\.com/tr|google-analytics\.com|doubleclick\.net|scorecardresearch\.com"
    r"|quantserve\.com|pixel\.wp\.com|stats\.wp\.com|/b\.gif|/p\.gif",
    re.IGNORECASE,
)
_LAZY_SOURCES = ("data-src", "data-lazy-src", "data-original", "src")


def _absolute(base: str, href: str | None) -> str | None:
    href = (href or "").strip()
    if not href or href.startswith(("data:", "javascript:", "blob:", "#")):
        return None
    try:
        absolute = urljoin(base, href)
    except ValueError:
        return None
    return absolute if urlsplit(absolute).scheme in {"http", "https"} else None


def _text_of(element: Any) -> str:
    return clean(element.text_content())


def _read_page(tree: Any, url: str) -> _Page:
    base_url = url
    for base in tree.iter("base"):
        if absolute := _absolute(url, base.get("href")):
            base_url = absolute
        break
    metas: dict[str, str] = {}
    meta_images: list[str] = []
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = meta.get("content")
        if not key or content is None:
            continue
        key = key.strip()
        metas.setdefault(key, content)
        if key in _IMAGE_META_KEYS and (image := _absolute(base_url, content)):
            meta_images.append(image)
    canonical = None
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            canonical = _absolute(base_url, link.get("href"))
            if canonical:
                break
    if canonical is None:
        canonical = _absolute(base_url, metas.get("og:url"))
    images: dict[str, tuple[str, dict[str, str]]] = {}
    for img in tree.iter("img"):
        attributes = dict(img.attrib)
        for name in _LAZY_SOURCES:
            if absolute := _absolute(base_url, img.get(name)):
                images.setdefault(absolute, (absolute, attributes))
                if as_resolved := _absolute(url, img.get(name)):
                    images.setdefault(as_resolved, (absolute, attributes))
    article_images: list[str] = []
    for container in tree.xpath("(//article|//*[@itemprop='articleBody']|//main)[1]"):
        for img in container.iter("img"):
            src = next((a for n in _LAZY_SOURCES if (a := _absolute(base_url, img.get(n)))), None)
            if src:
                article_images.append(src)
    titles = tree.xpath("//title")
    h1s = tree.xpath("//h1")
    root = tree.getroottree().getroot()
    return _Page(
        base_url=base_url,
        metas=metas,
        meta_images=meta_images,
        canonical=canonical,
        title=_text_of(titles[0]) if titles else "",
        first_h1=next((t for h1 in h1s if (t := _text_of(h1))), ""),
        html_lang=root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or "",
        images=images,
        article_images=article_images,
        json_ld_published=_json_ld_published(tree),
    )


def _json_ld_published(tree: Any) -> str:
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        found = _find_key(data, "datePublished")
        if found:
            return found
    return ""


def _find_key(data: object, key: str) -> str:
    if isinstance(data, dict):
        value = data.get(key)
        if isinstance(value, str):
            return value
        data = list(data.values())
    if isinstance(data, list):
        for item in data:
            if found := _find_key(item, key):
                return found
    return ""


def _is_decorative(src: str, attributes: dict[str, str]) -> bool:
    if _TRACKER.search(src):
        return True
    for side in ("width", "height"):
        value = attributes.get(side, "").strip().removesuffix("px")
        if value.isdigit() and int(value) < MIN_IMAGE_SIDE:
            return True
    return False


def _image_urls(page: _Page, body_images: list[str]) -> list[str]:
    chosen: list[str] = []
    for src in page.meta_images:
        if src not in chosen and not _TRACKER.search(src):
            chosen.append(src)
    for raw in body_images or page.article_images:
        src, attributes = page.images.get(raw, (raw, {}))
        if src not in chosen and not _is_decorative(src, attributes):
            chosen.append(src)
    return chosen[:MAX_IMAGES]


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


def _choose_title(page: _Page, extracted: str, site: str, text: str) -> str:
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


def _language(page: _Page, extracted: str | None) -> str:
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


def _published_at(page: _Page, extracted: str | None) -> datetime | None:
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
        _text_of(p)
        for p in tree.xpath(
            "//body//p[not(ancestor::nav or ancestor::header or ancestor::footer"
            " or ancestor::aside or ancestor::form)]"
        )
    ]
    return "\n".join(p for p in paragraphs if p)


def _extract_html(text: str, url: str) -> Article:
    tree = _parse_html(text)
    if tree is None:
        raise ExtractError("The document is empty or is not HTML.")
    page = _read_page(tree, url)
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
        raise ExtractError("The page has neither a title nor any text to extract.")
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
        image_urls=_image_urls(page, body_images),
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
    title = pdf.title or _cut_at_word(pdf.first_line, TITLE_FROM_TEXT_LENGTH)
    if not title and not paragraphs:
        raise ExtractError("The PDF has no text to extract (a scan without OCR?) and no title.")
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
        raise ExtractError(f"Glaneur cannot extract an article from a {mime} document.")
    if isinstance(body, bytes) and (mime in PDF_TYPES or body[:1024].lstrip().startswith(b"%PDF-")):
        return _extract_pdf(body, url)
    if mime in PDF_TYPES:
        raise ExtractError("The document claims to be a PDF but is not one.")
    text = body if isinstance(body, str) else decode_html(body, charset)
    if reason := detect_challenge(text, status=status):
        raise BlockedPage(reason)
    return _extract_html(text, url)
