"""Parsers of the files a topic can import, and the guess of a file's format."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..errors import ImportFailed
from .records import ImportBundle


class ImportFormat(models.TextChoices):
    JSON = "json", gettext_lazy("Glaneur JSON (an export of a topic)")
    NETSCAPE = "netscape", gettext_lazy("Bookmarks (Netscape HTML: browsers, linkding, Pocket)")
    FEED = "feed", gettext_lazy("RSS or Atom feed")
    CSV = "csv", gettext_lazy("CSV with a header line")
    SCOOPIT = "scoopit", gettext_lazy("Scoop.it API JSON")


def parse(data: bytes, fmt: str) -> ImportBundle:
    """Read a file in the given format; raises ImportFailed naming the line or item."""
    parsers: dict[str, Callable[[bytes], ImportBundle]]
    from .csvfile import parse_csv
    from .feed import parse_feed
    from .glaneur_json import parse_glaneur_json
    from .netscape import parse_netscape
    from .scoopit_api import parse_scoopit_api

    parsers = {
        ImportFormat.JSON: parse_glaneur_json,
        ImportFormat.NETSCAPE: parse_netscape,
        ImportFormat.FEED: parse_feed,
        ImportFormat.CSV: parse_csv,
        ImportFormat.SCOOPIT: parse_scoopit_api,
    }
    if fmt not in parsers:
        raise ImportFailed(_("unknown format %(format)r") % {"format": fmt})
    return parsers[fmt](data)


_CSV_HEADER_WORDS = re.compile(r"\b(?:url|link|href|title|titre|lien)\b", re.IGNORECASE)


def guess_format(data: bytes) -> str:
    """The format of a file from its first bytes (JSON: from its structure)."""
    head = data[:8192].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise ImportFailed(_("the file is empty"), line=1)
    lower = head.lower()
    if head[:1] in (b"{", b"["):
        from .common import load_json
        from .scoopit_api import looks_like_scoopit

        document = load_json(data)
        if isinstance(document, dict) and document.get("format") == "glaneur":
            return ImportFormat.JSON
        if looks_like_scoopit(document):
            return ImportFormat.SCOOPIT
        raise ImportFailed(
            _(
                'this JSON is neither a Glaneur export (no "format": "glaneur") '
                "nor Scoop.it API JSON (no posts with a curationDate)"
            ),
            line=1,
        )
    if b"<!doctype netscape-bookmark-file" in lower:
        return ImportFormat.NETSCAPE
    if re.search(rb"<(?:rss|feed|rdf:rdf)\b", lower):
        return ImportFormat.FEED
    if head[:1] == b"<":
        whole = data.lower()
        if b"<a " in whole and (b"add_date=" in whole or b"time_added=" in whole):
            return ImportFormat.NETSCAPE  # Pocket's export: a plain HTML list of links
        raise ImportFailed(
            _(
                "this HTML page is not a bookmarks file; for a saved Scoop.it topic page, "
                "use the import-scoopit command"
            ),
            line=1,
        )
    first_line = head.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    one_column = first_line.strip().lower() in {"url", "link", "lien"}
    if _CSV_HEADER_WORDS.search(first_line) and (re.search(r"[,;\t]", first_line) or one_column):
        return ImportFormat.CSV
    raise ImportFailed(
        _("cannot tell the format of this file; choose it (JSON, bookmarks, feed, CSV)"),
        line=1,
    )
