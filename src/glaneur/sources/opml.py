"""OPML 1.0/2.0 read and written: the outlines of feeds (``xmlUrl``), web pages (``url``
or ``htmlUrl`` alone) and keyword watches (``type="keyword"``, Glaneur's own), categories
(outlines holding outlines) flattened.

Read with lxml, safely: no DTD loaded, no entity expanded, no network, no huge trees; a
document that declares a DTD is refused rather than half-trusted."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import format_datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

MAX_BYTES = 5 * 1024 * 1024
MAX_OUTLINES = 5000

FEED, PAGE, KEYWORD = "feed", "page", "keyword"
# Characters XML 1.0 cannot carry (control characters): dropped from what is written.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Outline:
    """One source in an OPML file: its kind, its address (or keyword), its title, and the
    line it was read from (0 when written)."""

    kind: str
    address: str
    title: str = ""
    line: int = 0


class OpmlError(Exception):
    """Why a file is not usable OPML, and where (line, when known)."""

    def __init__(self, line: int | None, reason: str) -> None:
        super().__init__(reason if line is None else f"line {line}: {reason}")
        self.line, self.reason = line, reason


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _name(element: etree._Element) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def parse(data: bytes) -> list[Outline]:
    """The sources an OPML document lists, in order; raises OpmlError naming the line."""
    if len(data) > MAX_BYTES:
        raise OpmlError(
            None, _("The file is too large (at most %(mb)d MB).") % {"mb": MAX_BYTES // 2**20}
        )
    if not data.strip():
        raise OpmlError(None, _("The file is empty."))
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        reason = _("This is not well-formed XML (%(error)s).") % {"error": exc.msg}
        raise OpmlError(line, reason) from None
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        raise OpmlError(1, _("Document type declarations are not accepted in OPML files."))
    if _name(root) != "opml":
        raise OpmlError(
            root.sourceline,
            _("The document is <%(tag)s>, not <opml>.") % {"tag": _name(root)},
        )
    body = next((child for child in root if _name(child) == "body"), None)
    if body is None:
        raise OpmlError(root.sourceline, _("The <opml> element has no <body>."))
    outlines: list[Outline] = []
    for element in body.iter():
        if element is body or not isinstance(element.tag, str):
            continue
        if _name(element) != "outline":
            raise OpmlError(
                element.sourceline,
                _("Unexpected element <%(tag)s> in the body; only <outline> is allowed.")
                % {"tag": _name(element)},
            )
        outline = _outline(element)
        if outline is not None:
            outlines.append(outline)
            if len(outlines) > MAX_OUTLINES:
                raise OpmlError(
                    element.sourceline,
                    _("Too many sources (at most %(max)d).") % {"max": MAX_OUTLINES},
                )
    return outlines


def _outline(element: etree._Element) -> Outline | None:
    """The source an <outline> names, or None for a category (or a note) without one."""
    attrs = {key.lower(): (value or "").strip() for key, value in element.attrib.items()}
    title = attrs.get("title") or attrs.get("text", "")
    line = element.sourceline or 0
    kind_attr = attrs.get("type", "").lower()
    if attrs.get("xmlurl"):
        return Outline(FEED, attrs["xmlurl"], title, line)
    if kind_attr == KEYWORD:
        keyword = attrs.get("text") or attrs.get("title", "")
        if not keyword:
            raise OpmlError(line, _("A keyword outline has no text."))
        return Outline(KEYWORD, keyword, "", line)
    address = attrs.get("url") or attrs.get("htmlurl", "")
    if address:
        return Outline(PAGE, address, title, line)
    if kind_attr in ("rss", "atom"):
        raise OpmlError(line, _("A feed outline has no xmlUrl attribute."))
    return None  # a category: its children are read in turn


def render(title: str, outlines: Sequence[Outline]) -> bytes:
    """A valid OPML 2.0 document listing these sources."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = NOT_XML.sub("", title)
    etree.SubElement(head, "dateCreated").text = format_datetime(timezone.now(), usegmt=True)
    etree.SubElement(head, "docs").text = "https://opml.org/spec2.opml"
    body = etree.SubElement(root, "body")
    for outline in outlines:
        outline = Outline(
            outline.kind, NOT_XML.sub("", outline.address), NOT_XML.sub("", outline.title)
        )
        text = outline.title or outline.address
        if outline.kind == KEYWORD:
            etree.SubElement(body, "outline", text=outline.address, type=KEYWORD)
        elif outline.kind == PAGE:
            etree.SubElement(
                body, "outline", text=text, title=text, type="link", url=outline.address
            )
        else:
            etree.SubElement(
                body, "outline", text=text, title=text, type="rss", xmlUrl=outline.address
            )
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
