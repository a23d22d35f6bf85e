"""Posts as CSV, one row each, with a header; the columns the CSV importer reads back.

Cells that a spreadsheet would run as a formula (starting with = + - @) are prefixed
with an apostrophe, which the importer removes again.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from django.utils import timezone

from glaneur.curation.models import Topic

from ..keys import local_prefix, post_key
from .queries import export_posts, iterate, tag_names, with_view_totals

COLUMNS = [
    "key", "url", "title", "summary", "insight", "tags", "curated_at", "curated_by",
    "source_published_at", "author", "site_name", "image_url", "via", "status", "pinned",
    "views", "comments", "page",
]  # fmt: skip
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def _date(value: datetime | None) -> str:
    return timezone.localtime(value).isoformat() if value else ""


def export_csv(topic: Topic, *, base_url: str, full: bool = True) -> bytes:
    prefix = local_prefix()
    out = io.StringIO()
    # Excel reads UTF-8 only with a byte-order mark; the importer accepts both.
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for post in iterate(with_view_totals(export_posts(topic, full=full)), topic):
        curator = post.curated_by.get_username() if post.curated_by else ""
        row = [
            post_key(post.import_key, post.pk, prefix),
            post.url,
            post.title,
            post.summary,
            post.insight,
            ", ".join(tag_names(post)),
            _date(post.curated_at),
            curator,
            _date(post.source_published_at),
            post.author,
            post.site_name,
            post.image_url,
            post.via,
            post.status,
            "1" if post.pinned else "0",
            str(post.view_total),  # type: ignore[attr-defined]
            str(post.comment_count),
            base_url + post.get_absolute_url(),
        ]
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return out.getvalue().encode("utf-8")
