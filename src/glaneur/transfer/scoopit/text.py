"""A text capture of a Scoop.it topic page (what a browser's "select all, copy" gives).

Public pages print "Scooped by X" (or "Rescooped by X from Y") then "Scoop.it!" with no
date; captures made while logged in add the date between the two. A capture may start
anywhere in the stream (the topic is then named by the "<post> | <topic> | Scoop.it"
lines). The reader keeps every post it can read and lists what it left out, with line
numbers, in ``ParsedTopic.skipped``; only a page without any readable post, or without a
way to name its topic, is refused.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from django.utils.translation import gettext as _

from .common import (
    CURATED,
    VIA,
    VIEWS,
    comment_header,
    count,
    hashtags,
    insight_and_tags,
    insight_start,
    join_paragraphs,
    looks_like_date,
    parse_date,
    site_from,
    split_tags,
    unique,
)
from .lines import (
    HEADER_NOISE,
    NO_COMMENT,
    NOISE,
    POPULAR_TAGS,
    could_be_title,
    own_headings,
    post_matter,
    post_start,
    quote,
    repeat_topic,
    title_repeat,
)
from .model import ParsedComment, ParsedPost, ParsedTopic, ScoopitParseError, Skipped


def _read_views(line: str, lineno: int) -> tuple[int, int] | None:
    m = VIEWS.fullmatch(line)
    if not m:
        return None
    total = count(m["total"])
    today = count(m["today"]) if m["today"] else 0
    if total is None or today is None:
        raise ScoopitParseError(
            lineno, _("cannot read the view counter %(line)s") % {"line": quote(line)}
        )
    return total, today


def _skip(skipped: list[Skipped], lines: list[str], start: int, end: int, reason: str) -> None:
    """Record lines[start:end] as left out, if they hold anything but page chrome."""
    content = [i for i in range(start, end) if lines[i] and lines[i].lower() not in NOISE]
    if content:
        last = content[-1] + 1
        skipped.append(Skipped(content[0] + 1, reason, last if last > content[0] + 1 else None))


def parse_scoopit_text(text: str) -> ParsedTopic:
    """Parse a text capture of a topic page (what a browser's 'select all, copy' gives)."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.strip() for line in text.split("\n")]
    first = next((i for i, line in enumerate(lines) if line), None)
    if first is None:
        raise ScoopitParseError(1, _("the file is empty"))
    starts = [i for i in range(first, len(lines)) if post_start(lines[i])]
    if not starts:
        raise ScoopitParseError(
            len(lines),
            _("reached the end of the file without a post ('Scooped by <curator>')"),
        )
    named = Counter(topic for line in lines if (topic := repeat_topic(line)))
    skipped: list[Skipped] = []
    head = [i for i in range(first, starts[0]) if lines[i]]
    posts: list[ParsedPost] = []
    header: list[int] = []
    if any(post_matter(lines[i]) for i in head):
        # The capture starts inside a post: the topic is the one its posts name.
        if not named:
            raise ScoopitParseError(
                first + 1,
                _(
                    "the capture starts inside a post and no line names the topic "
                    "(such as '<post title> | <topic> | Scoop.it')"
                ),
            )
        title = named.most_common(1)[0][0]
        posts += _head_post(lines, first, starts[0], title, skipped)
    else:
        title_at = next((i for i in head if lines[i] in named), None)
        if title_at is None and head and could_be_title(lines[head[0]]):
            title_at = head[0]
        if title_at is not None:
            title = lines[title_at]
            _skip(skipped, lines, first, title_at, _("not part of the topic; skipped"))
            header = [i for i in head if i > title_at]
        elif named:
            title, header = named.most_common(1)[0][0], head
        else:
            line = lines[head[0]] if head else lines[first]
            raise ScoopitParseError(
                (head[0] if head else first) + 1,
                _("expected the topic title on the first line, found %(line)s")
                % {"line": quote(line)},
            )

    views_total = views_today = 0
    curator = ""
    description: list[str] = []
    popular_tags: list[str] = []
    in_tags = False
    for i in header:
        line = lines[i]
        views = _read_views(line, i + 1)
        curated = CURATED.fullmatch(line)
        if line.lower() in HEADER_NOISE or line == title or title_repeat(line, title):
            continue
        if views:
            views_total, views_today = views
        elif line.lower() in POPULAR_TAGS:
            in_tags = True
        elif curated:
            curator = curated["who"]
        elif in_tags:
            popular_tags.extend(split_tags(line))
        else:
            description.append(line)

    bounds = list(zip(starts, [*starts[1:], len(lines)], strict=True))
    headings = own_headings(lines, bounds)
    for start, end in bounds:
        post = _parse_text_post(lines, start, end, title, skipped, headings)
        if post is not None:
            posts.append(post)
    if not posts:
        first_skip = skipped[0]
        raise ScoopitParseError(first_skip.line, first_skip.reason)
    if not curator:
        named_curators = [post.curated_by for post in posts if post.curated_by]
        curator = Counter(named_curators).most_common(1)[0][0] if named_curators else ""
    for post in posts:
        post.curated_by = post.curated_by or curator  # a post whose start is not captured
    return ParsedTopic(
        title=title,
        description=join_paragraphs(description),
        curator=curator,
        views_total=views_total,
        views_today=views_today,
        popular_tags=unique(popular_tags),
        posts=posts,
        skipped=sorted(skipped, key=lambda s: s.line),
    )


def _head_post(
    lines: list[str], first: int, end: int, topic: str, skipped: list[Skipped]
) -> list[ParsedPost]:
    """The post a capture starts inside of, if its title is there, else nothing (reported)."""
    repeat_at = next((i for i in range(first, end) if title_repeat(lines[i], topic)), None)
    body = repeat_at
    if repeat_at is not None:
        before = next((i for i in range(repeat_at - 1, first - 1, -1) if lines[i]), None)
        if before is not None and lines[before] == title_repeat(lines[repeat_at], topic):
            body = before
    if body is None:
        _skip(
            skipped,
            lines,
            first,
            end,
            _("the end of a post that begins before the capture; skipped"),
        )
        return []
    _skip(
        skipped, lines, first, body, _("the end of a post that begins before the capture; skipped")
    )
    post = _parse_body(
        lines, body, end, topic, skipped, start=body, curated_by="", rescooped_from=None
    )
    return [post] if post is not None else []


def _read_meta(
    lines: list[str], start: int, end: int, skipped: list[Skipped]
) -> tuple[datetime | None, int]:
    """The date under 'Scooped by' (None when the page shows none) and where the post goes on.

    A logged-in capture prints the date between 'Scooped by' and 'Scoop.it!'; a public page
    prints no date. A line there that means to be a date but cannot be read is reported.
    """
    near = [i for i in range(start, end) if lines[i]][:3]
    button = next((n for n, i in enumerate(near) if lines[i].lower() == "scoop.it!"), None)
    meta = near[: button + 1] if button is not None else near[:1]
    curated_at: datetime | None = None
    body = start
    for i in meta:
        line = lines[i]
        if line.lower() == "scoop.it!":
            body = i + 1
            continue
        when = parse_date(line)
        if when is not None and curated_at is None:
            curated_at, body = when, i + 1
        elif button is not None or looks_like_date(line):
            body = i + 1
            skipped.append(
                Skipped(
                    i + 1,
                    _(
                        "%(line)s is not a date such as 'March 26, 2019 11:26 AM'; "
                        "the post is kept without it"
                    )
                    % {"line": quote(line)},
                )
            )
    return curated_at, body


def _parse_text_post(
    lines: list[str],
    start: int,
    end: int,
    topic: str,
    skipped: list[Skipped],
    headings: set[str],
) -> ParsedPost | None:
    curated_by, rescooped_from = post_start(lines[start]) or ("", None)
    curated_at, body = _read_meta(lines, start + 1, end, skipped)
    return _parse_body(
        lines,
        body,
        end,
        topic,
        skipped,
        start=start,
        curated_by=curated_by,
        rescooped_from=rescooped_from,
        curated_at=curated_at,
        headings=headings,
    )


def _parse_body(
    lines: list[str],
    body: int,
    end: int,
    topic: str,
    skipped: list[Skipped],
    *,
    start: int,
    curated_by: str,
    rescooped_from: str | None,
    curated_at: datetime | None = None,
    headings: frozenset[str] | set[str] = frozenset(),
) -> ParsedPost | None:
    """The post in lines[body:end] (title, summary, insight, comments); None if it has no
    title, which is reported with the lines left out."""
    no_title = _("the post at line %(line)d has no title; skipped") % {"line": start + 1}
    title: str | None = None
    section = "title"
    summary: list[str] = []
    insight: list[str] = []
    tags: list[str] = []
    via: str | None = None
    comments: list[tuple[tuple[str, bool, datetime | None], list[str]]] = []
    after: int | None = None  # where text the reader does not take starts
    for i in range(body, end):
        line = lines[i]
        if line.lower() in NOISE:
            continue
        repeat = title_repeat(line, topic) if section != "comments" else None
        header = comment_header(line)
        opens_insight = None
        if section in ("summary", "insight"):
            opens_insight = insight_start(line, own_heading=False)
            if opens_insight is None:
                opens_insight = line if line in headings else insight_start(line)
        if section == "title" and (
            line.lower() in NO_COMMENT
            or header
            or insight_start(line, own_heading=False) is not None
        ):
            _skip(skipped, lines, start, end, no_title)
            return None
        if repeat or (title and section == "summary" and line.startswith(title + " | ")):
            title = title or repeat
            section = "summary" if section == "title" else section
        elif line.lower() in NO_COMMENT:
            section = "comments"
        elif header:
            comments.append((header, []))
            section, after = "comments", None
        elif opens_insight is not None and section == "summary":
            section = "insight"
            insight.append(opens_insight)
        elif section in ("summary", "insight") and (m := VIA.fullmatch(line)):
            via = m["who"].strip()
        elif section in ("summary", "insight") and (found := hashtags(line)):
            tags += found
        elif section == "title":
            if line:
                title, section = line, "summary"
        elif section == "summary":
            summary.append(line)
        elif section == "insight":
            insight.append(line)
        elif comments:
            comments[-1][1].append(line)
        elif line and after is None:
            after = i  # text after "No comment yet." and before the next post
    if title is None:
        _skip(skipped, lines, start, end, no_title)
        return None
    if after is not None:
        _skip(skipped, lines, after, end, _("text after the post's comments; not read"))

    summary, site_name = site_from(summary)
    insight, insight_site = site_from(insight)
    insight_text, insight_tags = insight_and_tags(insight)
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
        tags=unique(insight_tags + tags),
        image_url=None,
        comments=[
            ParsedComment(
                author=who, posted_at=when, text=join_paragraphs(text), is_curator_insight=kind
            )
            for (who, kind, when), text in comments
        ],
        line=start + 1,
    )
