"""Exports of a topic: Glaneur JSON (everything), CSV (posts), Netscape bookmarks, OPML.

``full=False`` is what readers get for a topic they can see: published posts and visible
comments only, without curators' working data (drafts, fetch errors, the source's main text).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from glaneur.curation.models import Topic

if TYPE_CHECKING:
    from glaneur.curation.access import AnyUser


class ExportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    NETSCAPE = "netscape"
    OPML = "opml"


@dataclass
class Export:
    content: bytes
    content_type: str
    filename: str


def export_topic(
    topic: Topic, fmt: str, *, base_url: str, full: bool = True, viewer: AnyUser | None = None
) -> Export:
    """The topic in one of the export formats; ``base_url`` makes links absolute.

    ``viewer`` is who downloads it (None: the operator, at the command line); what it
    shows of other topics follows what they may see (curation/access.py)."""
    base_url = base_url.rstrip("/")
    match ExportFormat(fmt):
        case ExportFormat.JSON:
            from .glaneur_json import export_json

            return Export(
                export_json(topic, full=full, viewer=viewer),
                "application/json",
                f"{topic.slug}.glaneur.json",
            )
        case ExportFormat.CSV:
            from .csvfile import export_csv

            return Export(
                export_csv(topic, base_url=base_url, full=full),
                "text/csv; charset=utf-8",
                f"{topic.slug}.csv",
            )
        case ExportFormat.NETSCAPE:
            from .netscape import export_netscape

            return Export(
                export_netscape(topic, base_url=base_url, full=full),
                "text/html; charset=utf-8",
                f"{topic.slug}-bookmarks.html",
            )
        case ExportFormat.OPML:
            from .opml import export_opml

            return Export(
                export_opml(topic, base_url=base_url), "text/x-opml", f"{topic.slug}-feeds.opml"
            )
