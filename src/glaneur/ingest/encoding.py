"""Bytes of a fetched page to text: BOM, the HTTP charset, <meta charset> or the XML
declaration, then UTF-8, then Windows-1252 (what undeclared Latin-1 pages really are)."""

from __future__ import annotations

import codecs
import re

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
