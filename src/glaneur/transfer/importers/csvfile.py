"""CSV with a header line: one post a row.

Columns (any order, case-insensitive; unknown columns are ignored and reported):

    url                  the source's web address (http/https); a row needs url or title
    title                the post's title (the URL stands in when empty)
    summary              plain text
    insight              the curator's text, Markdown
    tags                 names separated by commas, semicolons or '|'
    curated_at           when it was curated (default: now)
    source_published_at  when the source was published
    author, site_name, image_url, via
    status               published (default) or draft
    pinned               1/0, true/false, yes/no, oui/non
    curated_by           username of a member of the topic (else the person importing)
    key                  an id of your own, kept so that a re-import recognises the row

Dates: ISO 8601 (2024-05-01, 2024-05-01T14:30, with or without offset), 01/05/2024 [14:30]
(day first), or a Unix timestamp; without an offset, the site's time zone. Also read:
``link``/``href``/``lien`` for url, ``titre`` for title, ``description``/``excerpt``/``résumé``
for summary, ``note``/``notes`` for insight, ``date``/``time_added``/``created`` for curated_at,
``published`` for source_published_at, ``image`` for image_url, ``site`` for site_name
(so Pocket's CSV export reads as it is). The delimiter may be ',', ';' or a tab; the
encoding UTF-8 (with or without BOM) or Windows-1252. Columns written by the exporter
for people (views, comments, page) are ignored.
"""

from __future__ import annotations

import csv
import io
import re

from django.utils.translation import gettext as _

from glaneur.curation.models import Post

from ..errors import ImportFailed
from ..exporters.csvfile import FORMULA_START
from .common import decode_text, make_key, one_line, parse_when, require_url, web_url
from .library_errors import csv_error
from .records import ImportBundle, PostRecord

ALIASES = {
    "url": "url", "link": "url", "href": "url", "lien": "url", "adresse": "url",
    "title": "title", "titre": "title", "name": "title",
    "summary": "summary", "description": "summary", "excerpt": "summary", "résumé": "summary",
    "resume": "summary", "extrait": "summary",
    "insight": "insight", "note": "insight", "notes": "insight",
    "tags": "tags", "tag": "tags", "mots_clés": "tags", "mots_clefs": "tags", "étiquettes": "tags",
    "curated_at": "curated_at", "date": "curated_at", "time_added": "curated_at",
    "created": "curated_at", "created_at": "curated_at", "added": "curated_at",
    "date_added": "curated_at",
    "source_published_at": "source_published_at", "published": "source_published_at",
    "published_at": "source_published_at",
    "author": "author", "auteur": "author",
    "site_name": "site_name", "site": "site_name", "source": "site_name",
    "image_url": "image_url", "image": "image_url",
    "via": "via",
    "status": "status", "statut": "status",
    "pinned": "pinned", "épinglé": "pinned",
    "curated_by": "curated_by",
    "key": "key", "id": "key",
}  # fmt: skip
IGNORED = {"views", "comments", "page"}
TRUE = {"1", "true", "yes", "y", "oui", "o", "x", "vrai"}
FALSE = {"", "0", "false", "no", "n", "non", "faux"}
# Pocket writes "unread"/"archive" in its status column: both are published posts here.
STATUSES = {
    "published": Post.Status.PUBLISHED, "publié": Post.Status.PUBLISHED,
    "unread": Post.Status.PUBLISHED, "archive": Post.Status.PUBLISHED, "": Post.Status.PUBLISHED,
    "draft": Post.Status.DRAFT, "brouillon": Post.Status.DRAFT,
}  # fmt: skip


def _column(name: str) -> str:
    return re.sub(r"[\s-]+", "_", name.strip().lower())


def _unescape(cell: str) -> str:
    # The exporter protects formula-like cells with an apostrophe; take it off again.
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_START) else cell


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _tags(cell: str) -> list[str]:
    return [t for t in re.split(r"[,;|]", cell) if t.strip()]


def parse_csv(data: bytes) -> ImportBundle:
    text, encoding = decode_text(data)
    if not text.strip():
        raise ImportFailed(_("the file is empty"), line=1)
    header_line = text.lstrip("\r\n").split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(header_line))
    bundle = ImportBundle(format="csv", posts=[])
    if encoding != "utf-8":
        bundle.notes.append(_("The file is not UTF-8; it was read as Windows-1252."))
    try:
        header = next(reader)
        while not any(cell.strip() for cell in header):
            header = next(reader)
    except StopIteration:
        raise ImportFailed(_("the file is empty"), line=1) from None
    except csv.Error as exc:
        raise ImportFailed(csv_error(str(exc)), line=reader.line_num) from exc
    header_at = reader.line_num
    columns: list[str | None] = []
    for raw in header:
        name = _column(raw.lstrip("\ufeff"))
        if name in ALIASES:
            columns.append(ALIASES[name])
        else:
            columns.append(None)
            if name and name not in IGNORED:
                bundle.notes.append(_("Column %(name)r ignored.") % {"name": raw.strip()})
    if "url" not in columns and "title" not in columns:
        raise ImportFailed(
            _("the header line must name a url or title column (found: %(found)s)")
            % {"found": ", ".join(header)[:200]},
            line=header_at,
        )

    item = 0
    previous_end = header_at
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ImportFailed(csv_error(str(exc)), line=previous_end + 1) from exc
        line, previous_end = previous_end + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        item += 1
        if len(cells) > len(columns):
            raise ImportFailed(
                _("%(found)d cells where the header has %(expected)d columns")
                % {"found": len(cells), "expected": len(columns)},
                line=line,
                item=item,
            )
        row = {
            column: _unescape(cell).strip()
            for column, cell in zip(columns, cells, strict=False)
            if column
        }
        bundle.posts.append(_record(row, item=item, line=line))
    return bundle


def _record(row: dict[str, str], *, item: int, line: int) -> PostRecord:
    url = row.get("url", "")
    if url:
        url = require_url(url, item=item, line=line)
    title = one_line(row.get("title", "")) or url
    if not title:
        raise ImportFailed(_("the row has neither a url nor a title"), item=item, line=line)
    fields: dict[str, object] = {"title": title, "url": url}
    for name in ("summary", "insight"):
        if row.get(name):
            fields[name] = row[name].replace("\r\n", "\n")
    for name in ("author", "site_name", "via"):
        if row.get(name):
            fields[name] = one_line(row[name])
    if row.get("image_url"):
        # An image is a nicety: an unusable address is dropped, not fatal.
        fields["image_url"] = web_url(row["image_url"]) or ""
    for name in ("curated_at", "source_published_at"):
        if row.get(name):
            when = parse_when(row[name])
            if when is None:
                raise ImportFailed(
                    _("%(column)s: %(value)r is not a date (use 2024-05-01 or 2024-05-01T14:30)")
                    % {"column": name, "value": row[name]},
                    item=item,
                    line=line,
                )
            fields[name] = when
    status = row.get("status", "").lower()
    if status not in STATUSES:
        raise ImportFailed(
            _("status: %(value)r is neither published nor draft") % {"value": row["status"]},
            item=item,
            line=line,
        )
    fields["status"] = STATUSES[status]
    pinned = row.get("pinned", "").lower()
    if pinned not in TRUE | FALSE:
        raise ImportFailed(
            _("pinned: %(value)r is neither 1 nor 0") % {"value": row["pinned"]},
            item=item,
            line=line,
        )
    fields["pinned"] = pinned in TRUE
    return PostRecord(
        item=item,
        line=line,
        key=make_key("", row.get("key", "")),
        fields=fields,
        tags=_tags(row.get("tags", "")),
        users={"curated_by": row.get("curated_by") or None},
    )
