"""What every importer produces: plain records, checked and written by ``transfer.writer``.

Parsers know nothing of the database; the writer validates every record against the
models before it writes anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass
class UserRecord:
    username: str
    first_name: str = ""
    last_name: str = ""


@dataclass
class CommentRecord:
    key: str
    # Comment model fields by name (text, created_at, hidden, author_name…).
    fields: dict[str, Any]
    # Foreign keys to accounts, by field name: username or None.
    users: dict[str, str | None] = field(default_factory=dict)
    # Foreign keys to another comment of the same post, by field name: that comment's key.
    comments: dict[str, str | None] = field(default_factory=dict)


@dataclass
class PostRecord:
    """One post to import; ``item`` counts from 1 in the file, ``line`` when known."""

    item: int
    line: int | None
    key: str
    # Post model fields by name (title, url, summary, insight, curated_at…).
    fields: dict[str, Any]
    tags: list[str] = field(default_factory=list)
    # Foreign keys to accounts, by field name ("curated_by"): username or None.
    users: dict[str, str | None] = field(default_factory=dict)
    # Foreign keys to other posts, by field name ("origin" of a rescoop): (topic slug, key).
    refs: dict[str, tuple[str, str] | None] = field(default_factory=dict)
    comments: list[CommentRecord] = field(default_factory=list)
    daily_views: dict[date, int] = field(default_factory=dict)


@dataclass
class TopicRecord:
    fields: dict[str, Any]  # Topic model fields by name (slug, title, description…)
    owner: str | None = None


@dataclass
class MemberRecord:
    username: str
    role: str
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportBundle:
    """A parsed file: posts always; the topic, members and accounts from Glaneur JSON only."""

    format: str
    posts: list[PostRecord]
    topic: TopicRecord | None = None
    members: list[MemberRecord] = field(default_factory=list)
    users: dict[str, UserRecord] = field(default_factory=dict)
    # Whether accounts named in the file are found or created by username (Glaneur JSON,
    # Scoop.it); otherwise a curator must already be a member of the topic, else the
    # person importing is the curator.
    create_accounts: bool = False
    topic_daily_views: dict[date, int] = field(default_factory=dict)
    # What the parser left out, for the report ("line 12: not a web address, skipped").
    notes: list[str] = field(default_factory=list)
