"""What a parsed Scoop.it page holds: plain data (messages are translated with gettext)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _


@dataclass
class ParsedComment:
    author: str
    posted_at: datetime | None
    text: str
    is_curator_insight: bool


@dataclass
class ParsedPost:
    title: str
    url: str | None
    site_name: str
    curated_by: str
    # None when the page shows no date (public pages print "Scooped by X" without one).
    curated_at: datetime | None
    rescooped_from: str | None
    via: str | None
    summary: str
    insight: str
    tags: list[str]
    image_url: str | None
    comments: list[ParsedComment]
    line: int


@dataclass
class ParsedTopic:
    title: str
    description: str
    curator: str
    views_total: int
    views_today: int
    popular_tags: list[str]
    posts: list[ParsedPost]
    # What the reader left out or could not read, in page order.
    skipped: list[Skipped] = field(default_factory=list)


@dataclass
class Skipped:
    """Lines the reader left out (``line`` to ``last``), and why, in the active language."""

    line: int
    reason: str
    last: int | None = None


class ScoopitParseError(ValueError):
    """A page that cannot be read as a Scoop.it topic; says where and why."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(_("line %(line)d: ") % {"line": line} + reason)
        self.line = line
        self.reason = reason
