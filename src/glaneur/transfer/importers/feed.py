"""RSS and Atom files, read by feedparser: one post per entry.

The entry's link is the source, its date the curation date, its categories the tags; the
summary (HTML) becomes plain text and full content, when the feed has it, the main text.
A feed that is not well-formed XML is refused with the line the XML parser stopped at.
"""

from __future__ import annotations

import io
import xml.sax
from calendar import timegm
from datetime import UTC, datetime
from typing import Any

import feedparser
from django.utils.translation import gettext as _

from ..errors import ImportFailed
from ..textconv import html_to_text
from .common import make_key, one_line, require_url, web_url
from .library_errors import xml_error
from .records import ImportBundle, PostRecord


def _when(entry: Any, *names: str) -> datetime | None:
    for name in names:
        value = entry.get(name)
        if value:
            return datetime.fromtimestamp(timegm(value), tz=UTC)
    return None


def _image(entry: Any) -> str:
    candidates = [m.get("url", "") for m in entry.get("media_thumbnail") or []]
    candidates += [
        m.get("url", "")
        for m in entry.get("media_content") or []
        if str(m.get("medium", "image")) == "image" or str(m.get("type", "")).startswith("image/")
    ]
    candidates += [
        link.get("href", "")
        for link in entry.get("links") or []
        if link.get("rel") == "enclosure" and str(link.get("type", "")).startswith("image/")
    ]
    return next((url for url in map(web_url, candidates) if url), "")


def parse_feed(data: bytes) -> ImportBundle:
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=True)
    error = parsed.get("bozo_exception")
    if isinstance(error, xml.sax.SAXParseException):
        raise ImportFailed(
            xml_error(error.getMessage()),
            line=error.getLineNumber(),
        )
    if not parsed.get("version") and not parsed.entries:
        raise ImportFailed(_("not an RSS or Atom feed"), line=1)
    bundle = ImportBundle(format="feed", posts=[])
    for item, entry in enumerate(parsed.entries, start=1):
        link = str(entry.get("link") or "").strip()
        url = require_url(link, item=item) if link else ""
        title = one_line(html_to_text(str(entry.get("title") or ""))) or url
        if not title:
            raise ImportFailed(_("the entry has neither a link nor a title"), item=item)
        summary = html_to_text(str(entry.get("summary") or ""))
        contents = entry.get("content") or []
        main_text = html_to_text(str(contents[0].get("value") or "")) if contents else ""
        fields: dict[str, object] = {
            "title": title,
            "url": url,
            "summary": summary or main_text[:1000],
            "author": one_line(entry.get("author")),
            "image_url": _image(entry),
        }
        if main_text and main_text != summary:
            fields["main_text"] = main_text
        curated_at = _when(entry, "published_parsed", "updated_parsed")
        if curated_at is not None:
            fields["curated_at"] = curated_at
        tags = [str(t.get("term") or t.get("label") or "") for t in entry.get("tags") or []]
        bundle.posts.append(
            PostRecord(
                item=item,
                line=None,
                key=make_key("feed", str(entry.get("id") or "")),
                fields=fields,
                tags=[t for t in tags if t.strip()],
            )
        )
    return bundle
