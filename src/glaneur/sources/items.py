"""An item found by polling a source (a feed entry, a page's article link) or suggested by a
visitor: what the poller hands to the candidates step. Pure data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Item:
    url: str
    title: str
    summary: str = ""  # plain text, no markup
    published: datetime | None = None
    image_url: str = ""
