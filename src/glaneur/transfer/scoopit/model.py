"""What a parsed Scoop.it page holds: plain data, no Django."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


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
    curated_at: datetime
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


class ScoopitParseError(ValueError):
    """A page that cannot be read as a Scoop.it topic; says where and why."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason
