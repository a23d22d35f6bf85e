"""HTML from other tools (feeds, Scoop.it, bookmarks) to the plain text and Markdown we store.

nh3 removes what is unsafe first (scripts, styles, event handlers, odd URL schemes); what
remains is turned into text, so no foreign HTML is ever stored or shown as such.
"""

from __future__ import annotations

import re
from typing import Any

import nh3

_KEPT_TAGS = {
    "a", "b", "strong", "i", "em", "br", "p", "div", "section", "article", "blockquote",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "pre", "code", "span", "table",
    "tr", "td", "th", "figure", "figcaption", "header", "footer", "hr",
}  # fmt: skip
_BLOCKS = _KEPT_TAGS - {"a", "b", "strong", "i", "em", "br", "span", "code", "li", "td", "th"}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]])")


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=_KEPT_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    )


def _walk(el: Any, out: list[str], markdown: bool) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    inline = {"b": "**", "strong": "**", "i": "*", "em": "*"}.get(tag, "") if markdown else ""
    href = str(el.get("href") or "") if tag == "a" and markdown else ""
    if tag == "br":
        out.append("\n")
    elif tag in _BLOCKS:
        out.append("\n\n")
    elif tag == "li":
        out.append("\n- ")
    elif tag in ("td", "th"):
        out.append(" ")
    out.append(inline + ("[" if href else ""))
    if el.text:
        out.append(_inline_text(el.text, markdown))
    for child in el:
        _walk(child, out, markdown)
    if href:
        target = f"<{href}>" if re.search(r"[\s()<>]", href) else href
        out.append(f"]({target})")
    out.append(inline)
    if tag in _BLOCKS:
        out.append("\n\n")
    if el.tail:
        out.append(_inline_text(el.tail, markdown))


def _inline_text(text: str, markdown: bool) -> str:
    text = re.sub(r"\s+", " ", text)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text) if markdown else text


def _convert(html: str, *, markdown: bool) -> str:
    if not html or not html.strip():
        return ""
    import lxml.html
    from lxml import etree

    cleaned = _clean(html)
    if not cleaned.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(cleaned, create_parent="div")
    except (etree.LxmlError, ValueError):
        return nh3.clean(html, tags=set()).strip()
    out: list[str] = []
    _walk(root, out, markdown)
    lines = [line.strip() for line in "".join(out).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def html_to_text(html: str) -> str:
    """Readable plain text: paragraphs separated by a blank line, list items as '- '."""
    return _convert(html, markdown=False)


def html_to_markdown(html: str) -> str:
    """Markdown keeping paragraphs, links, bold, italics and lists (an insight's form)."""
    return _convert(html, markdown=True)
