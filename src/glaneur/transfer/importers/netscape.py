"""Netscape bookmarks files: browsers' exports, linkding, Pocket (its HTML export).

Each ``<A HREF>`` is a post: TAGS (separated by commas; Pocket: '|') become tags,
ADD_DATE (or Pocket's time_added) the curation date, the ``<DD>`` that follows the
summary (linkding's notes, between [linkding-notes] markers, the insight); PRIVATE="1"
makes a draft. Links that are
not web addresses (place:, javascript:, file:, intranet names) are skipped and reported;
an unreadable date refuses the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.utils.translation import gettext as _

from glaneur.curation.models import Post

from ..errors import ImportFailed
from .common import decode_text, from_timestamp, one_line, web_url
from .records import ImportBundle, PostRecord

_NOTES = re.compile(r"\[linkding-notes\](.*?)\[/linkding-notes\]", re.DOTALL)


@dataclass
class _Link:
    line: int
    attrs: dict[str, str]
    title: list[str] = field(default_factory=list)
    description: list[str] = field(default_factory=list)


class _BookmarkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[_Link] = []
        self.in_link = False
        self.in_description = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.append(_Link(self.getpos()[0], {k: v or "" for k, v in attrs}))
            self.in_link, self.in_description = True, False
        elif tag == "dd":
            self.in_description = bool(self.links)
        elif tag == "br" and self.in_description:
            self.links[-1].description.append("\n")
        elif tag in ("dt", "dl", "h3", "li", "ul", "hr"):
            self.in_description = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self.in_link = False
        elif tag in ("dd", "dl"):
            self.in_description = False

    def handle_data(self, data: str) -> None:
        if self.in_link:
            self.links[-1].title.append(data)
        elif self.in_description:
            self.links[-1].description.append(data)


def parse_netscape(data: bytes) -> ImportBundle:
    text, encoding = decode_text(data)
    parser = _BookmarkParser()
    parser.feed(text)
    parser.close()
    if not parser.links:
        raise ImportFailed(_("no bookmark found (no <A HREF=…> element)"), line=1)
    bundle = ImportBundle(format="netscape", posts=[])
    if encoding != "utf-8":
        bundle.notes.append(_("The file is not UTF-8; it was read as Windows-1252."))
    skipped: list[str] = []
    item = 0
    for link in parser.links:
        href = link.attrs.get("href", "").strip()
        url = web_url(href)
        if url is None:
            skipped.append(str(link.line))
            continue
        item += 1
        title = one_line("".join(link.title)) or url
        description = "".join(link.description).strip()
        notes = "\n\n".join(m.strip() for m in _NOTES.findall(description))
        summary = _NOTES.sub("", description).strip()
        fields: dict[str, object] = {"title": title, "url": url, "summary": summary}
        if notes:
            fields["insight"] = notes
        added = link.attrs.get("add_date") or link.attrs.get("time_added") or ""
        if added.strip():
            try:
                fields["curated_at"] = from_timestamp(float(added))
            except (ValueError, OverflowError, OSError):
                raise ImportFailed(
                    _("ADD_DATE %(value)r is not a date (seconds since 1970)") % {"value": added},
                    line=link.line,
                    item=item,
                ) from None
        if link.attrs.get("private", "0").strip() == "1":
            fields["status"] = Post.Status.DRAFT
        bundle.posts.append(
            PostRecord(
                item=item,
                line=link.line,
                key="",
                fields=fields,
                tags=[t for t in re.split(r"[,;|]", link.attrs.get("tags", "")) if t.strip()],
            )
        )
    if skipped:
        bundle.notes.append(
            _("Skipped links that are not web addresses, on lines %(lines)s.")
            % {"lines": ", ".join(skipped[:50]) + ("…" if len(skipped) > 50 else "")}
        )
    drafts = sum(1 for p in bundle.posts if p.fields.get("status") == Post.Status.DRAFT)
    if drafts:
        bundle.notes.append(
            _("%(count)d private bookmarks were imported as drafts.") % {"count": drafts}
        )
    return bundle
