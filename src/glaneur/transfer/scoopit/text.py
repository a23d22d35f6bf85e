"""A text capture of a Scoop.it topic page (what a browser's "select all, copy" gives)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from .common import (
    CURATED,
    INSIGHT,
    RESCOOPED,
    SCOOPED,
    VIA,
    VIEWS,
    comment_header,
    count,
    insight_and_tags,
    join_paragraphs,
    parse_date,
    site_from,
    split_tags,
    unique,
)
from .model import ParsedComment, ParsedPost, ParsedTopic, ScoopitParseError

_NOISE = {"scoop.it!", "your new post is loading...", "your new post is loading…"}
_HEADER_NOISE = _NOISE | {"follow", "unfollow", "following", "suivre"}
_NO_COMMENT = {"no comment yet.", "aucun commentaire."}
_POPULAR_TAGS = {"popular tags", "tags populaires"}
_DATE_EXAMPLE = "a date such as 'March 26, 2019 11:26 AM'"


def _quote(line: str) -> str:
    return repr(line if len(line) <= 80 else line[:79] + "…")


def _post_start(line: str) -> tuple[str, str | None] | None:
    m = RESCOOPED.fullmatch(line)
    if m:
        return m["who"], m["source"]
    m = SCOOPED.fullmatch(line)
    return (m["who"], None) if m else None


def _title_repeat(line: str, topic: str) -> str | None:
    """'<post title> | <topic> | Scoop.it' -> the post title."""
    if not line.endswith(" | Scoop.it"):
        return None
    rest = line[: -len(" | Scoop.it")]
    if topic and rest.endswith(" | " + topic):
        title = rest[: -len(" | " + topic)]
    elif " | " in rest:
        title = rest.rsplit(" | ", 1)[0]
    else:
        return None
    return title.strip() or None


def _read_views(line: str, lineno: int) -> tuple[int, int] | None:
    m = VIEWS.fullmatch(line)
    if not m:
        return None
    total = count(m["total"])
    today = count(m["today"]) if m["today"] else 0
    if total is None or today is None:
        raise ScoopitParseError(lineno, f"cannot read the view counter {_quote(line)}")
    return total, today


def parse_scoopit_text(text: str) -> ParsedTopic:
    """Parse a text capture of a topic page (what a browser's 'select all, copy' gives)."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.strip() for line in text.split("\n")]
    first = next((i for i, line in enumerate(lines) if line), None)
    if first is None:
        raise ScoopitParseError(1, "the file is empty")
    title = lines[first]
    if (
        _post_start(title)
        or VIEWS.fullmatch(title)
        or title.lower() in _HEADER_NOISE | _POPULAR_TAGS | _NO_COMMENT
    ):
        raise ScoopitParseError(
            first + 1, f"expected the topic title on the first line, found {_quote(title)}"
        )
    starts = [i for i in range(first + 1, len(lines)) if _post_start(lines[i])]
    if not starts:
        raise ScoopitParseError(
            len(lines), "reached the end of the file without a post ('Scooped by <curator>')"
        )

    views_total = views_today = 0
    curator = ""
    description: list[str] = []
    popular_tags: list[str] = []
    in_tags = False
    for i in range(first + 1, starts[0]):
        line = lines[i]
        views = _read_views(line, i + 1)
        curated = CURATED.fullmatch(line)
        if line.lower() in _HEADER_NOISE or line == title or _title_repeat(line, title):
            continue
        if views:
            views_total, views_today = views
        elif line.lower() in _POPULAR_TAGS:
            in_tags = True
        elif curated:
            curator = curated["who"]
        elif in_tags:
            popular_tags.extend(split_tags(line))
        else:
            description.append(line)

    bounds = zip(starts, [*starts[1:], len(lines)], strict=True)
    posts = [_parse_text_post(lines, start, end, title) for start, end in bounds]
    if not curator:
        curator = Counter(post.curated_by for post in posts).most_common(1)[0][0]
    return ParsedTopic(
        title=title,
        description=join_paragraphs(description),
        curator=curator,
        views_total=views_total,
        views_today=views_today,
        popular_tags=unique(popular_tags),
        posts=posts,
    )


def _parse_text_post(lines: list[str], start: int, end: int, topic: str) -> ParsedPost:
    curated_by, rescooped_from = _post_start(lines[start]) or ("", None)
    date_at = next((i for i in range(start + 1, end) if lines[i]), None)
    if date_at is None:
        found = _quote(lines[end]) if end < len(lines) else "the end of the file"
        raise ScoopitParseError(
            min(end, len(lines) - 1) + 1,
            f"expected {_DATE_EXAMPLE} after {lines[start]!r} (line {start + 1}), found {found}",
        )
    curated_at = parse_date(lines[date_at])
    if curated_at is None:
        raise ScoopitParseError(
            date_at + 1,
            f"expected {_DATE_EXAMPLE} after {lines[start]!r}, found {_quote(lines[date_at])}",
        )

    title: str | None = None
    section = "title"
    summary: list[str] = []
    insight: list[str] = []
    via: str | None = None
    comments: list[tuple[tuple[str, bool, datetime | None], list[str]]] = []
    for i in range(date_at + 1, end):
        line = lines[i]
        if line.lower() in _NOISE:
            continue
        repeat = _title_repeat(line, topic) if section != "comments" else None
        header = comment_header(line)
        is_insight = INSIGHT.fullmatch(line) if section != "comments" else None
        if section == "title" and (line.lower() in _NO_COMMENT or header or is_insight):
            raise ScoopitParseError(
                i + 1, f"the post at line {start + 1} has no title: found {_quote(line)}"
            )
        if repeat:
            title = title or repeat
            section = "summary" if section == "title" else section
        elif line.lower() in _NO_COMMENT:
            section = "comments"
        elif header:
            comments.append((header, []))
            section = "comments"
        elif is_insight:
            section = "insight"
            insight.append(is_insight["rest"])
        elif section in ("summary", "insight") and (m := VIA.fullmatch(line)):
            via = m["who"].strip()
        elif section == "title":
            if line:
                title, section = line, "summary"
        elif section == "summary":
            summary.append(line)
        elif section == "insight":
            insight.append(line)
        elif comments:
            comments[-1][1].append(line)
        # Text after "No comment yet." and before the next post is page chrome: dropped.
    if title is None:
        raise ScoopitParseError(start + 1, "the post has no title")

    summary, site_name = site_from(summary)
    insight, insight_site = site_from(insight)
    insight_text, tags = insight_and_tags(insight)
    return ParsedPost(
        title=title,
        url=None,
        site_name=site_name or insight_site,
        curated_by=curated_by,
        curated_at=curated_at,
        rescooped_from=rescooped_from,
        via=via,
        summary=join_paragraphs(summary),
        insight=insight_text,
        tags=unique(tags),
        image_url=None,
        comments=[
            ParsedComment(
                author=who, posted_at=when, text=join_paragraphs(body), is_curator_insight=kind
            )
            for (who, kind, when), body in comments
        ],
        line=start + 1,
    )
