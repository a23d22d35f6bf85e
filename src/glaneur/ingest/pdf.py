"""Title, author, date and text of a PDF document, read with pypdf (first pages only)."""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils.translation import gettext
from pypdf import PdfReader

logger = logging.getLogger(__name__)

MAX_PAGES = 50  # a report's first pages say what it is about; the rest costs time for nothing

_FILE_NAME = re.compile(r"\.(?:docx?|odt|pdf|indd|pptx?|xlsx?|rtf|tex|qxp)$", re.IGNORECASE)
_GENERATOR_PREFIX = re.compile(r"^(?:microsoft (?:word|powerpoint|excel)|untitled)\s*-\s*", re.I)
_SENTENCE_END = re.compile(r"[.!?…:»\"”)]$")
_SOFT_HYPHEN = re.compile(r"(?<=[a-zà-ÿ])-$")


class PdfUnreadable(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class PdfContent:
    title: str
    author: str
    text: str  # paragraphs separated by blank lines
    first_line: str  # the title's stand-in when the metadata has none
    published_at: datetime | None
    language: str


def read_pdf(body: bytes, *, max_pages: int = MAX_PAGES) -> PdfContent:
    """Read a PDF's metadata and the text of its first `max_pages` pages."""
    # pypdf raises a variety of exceptions (ValueError, KeyError, struct.error…) on broken
    # files; whatever it raises, the document is unreadable to us.
    try:
        reader = PdfReader(io.BytesIO(body), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfUnreadable(gettext("The PDF is protected by a password."))
        pages = [page.extract_text() or "" for page in reader.pages[:max_pages]]
    except PdfUnreadable:
        raise
    except Exception as error:
        logger.info("unreadable PDF: %r", error)
        raise PdfUnreadable(
            gettext("The PDF could not be read (%(error)s).") % {"error": error}
        ) from error
    info = _info(reader)
    return PdfContent(
        title=_clean_title(info.get("title", "")),
        author=info.get("author", ""),
        text="\n\n".join(p for p in (_paragraphs(page) for page in pages) if p),
        first_line=next(
            (
                clean
                for page in pages
                for line in page.splitlines()
                if (clean := " ".join(line.split()))
            ),
            "",
        ),
        published_at=_creation_date(reader),
        language=_language(reader),
    )


def _info(reader: PdfReader) -> dict[str, str]:
    try:
        metadata = reader.metadata
        if metadata is None:
            return {}
        return {
            "title": " ".join(str(metadata.title or "").split()),
            "author": " ".join(str(metadata.author or "").split()),
        }
    except Exception:  # a damaged information dictionary only costs us the metadata
        return {}


def _clean_title(title: str) -> str:
    title = _GENERATOR_PREFIX.sub("", title).strip()
    if not title or _FILE_NAME.search(title) or title.lower() in {"untitled", "sans titre"}:
        return ""
    return title


def _creation_date(reader: PdfReader) -> datetime | None:
    try:
        created = reader.metadata.creation_date if reader.metadata else None
    except Exception:  # malformed D:YYYYMMDD… strings raise ValueError inside pypdf
        return None
    if created is None:
        return None
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return created.astimezone(UTC)


def _language(reader: PdfReader) -> str:
    try:
        lang = reader.root_object.get("/Lang")
    except Exception:
        return ""
    if not lang:
        return ""
    primary = re.split(r"[-_]", str(lang).strip())[0].lower()
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else ""


def _paragraphs(page_text: str) -> str:
    """Join a page's lines into paragraphs: PDF text breaks lines where the layout did."""
    lines = [" ".join(line.split()) for line in page_text.splitlines()]
    longest = max((len(line) for line in lines), default=0)
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        if not line:
            if current:
                paragraphs.append(current)
            current = ""
            continue
        if current and _SOFT_HYPHEN.search(current) and line[0].islower():
            current = current[:-1] + line
        else:
            current = f"{current} {line}" if current else line
        # a short line closed by punctuation ends its paragraph
        if _SENTENCE_END.search(line) and len(line) < 0.75 * longest:
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return "\n\n".join(paragraphs)
