"""Read Scoop.it topic pages (a text capture or the saved HTML) into plain data.

Pure parsing: no Django, no database. The importer turns a ParsedTopic into models,
localising the naive datetimes to Europe/Paris.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "ParsedComment",
    "ParsedPost",
    "ParsedTopic",
    "ScoopitParseError",
    "parse_scoopit",
    "parse_scoopit_html",
    "parse_scoopit_text",
]


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


def parse_scoopit(content: str) -> ParsedTopic:
    """Parse a page: HTML if it starts with '<' or contains '<html', else a text capture."""
    head = content.lstrip("\ufeff \t\r\n")
    if head.startswith("<") or "<html" in content.lower():
        return parse_scoopit_html(content)
    return parse_scoopit_text(content)


# --- shared: dates, counters, tags ---------------------------------------------------------

# English as Scoop.it prints it ("March 26, 2019 11:26 AM"), French for pages captured with
# the French interface ("26 mars 2019 11:26"), with the usual abbreviations.
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            "january jan janvier janv",
            "february feb février fevrier févr fevr",
            "march mar mars",
            "april apr avril avr",
            "may mai",
            "june jun juin",
            "july jul juillet juil",
            "august aug août aout",
            "september sep sept septembre",
            "october oct octobre",
            "november nov novembre",
            "december dec décembre decembre déc",
        ],
        start=1,
    )
    for name in names.split()
}
_TIME = r"(?P<hour>[0-9]{1,2})\s*[:h]\s*(?P<minute>[0-9]{2})?\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?)?"
_EN_DATE = re.compile(
    r"(?P<month>[A-Za-z]+)\.?\s+(?P<day>[0-9]{1,2}),?\s+(?P<year>[0-9]{4})"
    rf"(?:,?\s+(?:at\s+)?{_TIME})?"
)
_FR_DATE = re.compile(
    r"(?P<day>[0-9]{1,2})(?:er)?\s+(?P<month>[^\W\d_]+)\.?\s+(?P<year>[0-9]{4})"
    rf"(?:,?\s+(?:à\s+)?{_TIME})?"
)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9:.]+(?:Z|[+-][0-9:]+)?)?")


def _date_from_match(m: re.Match[str]) -> datetime | None:
    month = _MONTHS.get(unicodedata.normalize("NFC", m["month"]).lower())
    if month is None:
        return None
    hour = int(m["hour"]) if m["hour"] else 0
    minute = int(m["minute"]) if m["minute"] else 0
    if m["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m["ampm"][0] in "Pp" else 0)
    try:
        return datetime(int(m["year"]), month, int(m["day"]), hour, minute)
    except ValueError:
        return None


def _naive_paris(value: datetime) -> datetime:
    # Scoop.it shows Paris time for this topic; an explicit offset is converted to it.
    if value.tzinfo is None:
        return value
    try:
        return value.astimezone(ZoneInfo("Europe/Paris")).replace(tzinfo=None)
    except (ZoneInfoNotFoundError, OverflowError):
        return value.replace(tzinfo=None)


def _parse_date(text: str) -> datetime | None:
    """A whole string as a date: 'March 26, 2019 11:26 AM', '26 mars 2019 11:26', ISO 8601."""
    text = " ".join(text.split())
    for pattern in (_EN_DATE, _FR_DATE):
        m = pattern.fullmatch(text)
        if m:
            return _date_from_match(m)
    if _ISO_DATE.fullmatch(text):
        try:
            return _naive_paris(datetime.fromisoformat(text.replace("Z", "+00:00")))
        except (ValueError, OverflowError):
            return None
    return None


def _search_date(text: str) -> tuple[datetime, str] | None:
    """The first date inside a longer string, with the text it was read from."""
    for pattern in (_EN_DATE, _FR_DATE):
        for m in pattern.finditer(text):
            found = _date_from_match(m)
            if found is not None:
                return found, m.group(0)
    return None


_NUMBER = r"[0-9][0-9.,]*(?:[ \u00a0\u202f][0-9]{3})*\s?[KkMm]?"
_VIEWS = re.compile(
    rf"(?P<total>{_NUMBER})\s+(?:views?|vues?)"
    rf"(?:\s*\|\s*\+\s?(?P<today>{_NUMBER})\s+(?:today|aujourd['’]hui))?",
)


def _count(text: str) -> int | None:
    """'54.7K' -> 54700, '1,234' -> 1234, '1.2M' -> 1200000, '54,7K' -> 54700."""
    text = re.sub(r"[\s\u00a0\u202f]", "", text)
    multiplier = 1
    if text[-1:] in ("k", "K"):
        multiplier, text = 1_000, text[:-1]
    elif text[-1:] in ("m", "M"):
        multiplier, text = 1_000_000, text[:-1]
    if multiplier > 1 and re.fullmatch(r"[0-9]+,[0-9]{1,2}", text):
        text = text.replace(",", ".")  # French decimal comma: "54,7K"
    elif multiplier == 1 and re.fullmatch(r"[0-9]{1,3}(?:\.[0-9]{3})+", text):
        text = text.replace(".", "")  # French thousands: "1.234 vues"
    else:
        text = text.replace(",", "")
    try:
        return int(Decimal(text) * multiplier)
    except InvalidOperation:
        return None


def _split_tags(text: str) -> list[str]:
    tags = []
    for raw in re.split(r"[,;]", text):
        tag = re.sub(r"\s*\([0-9]+\)$", "", raw.strip().lstrip("#").strip())  # "emploi (12)"
        if tag:
            tags.append(tag)
    return tags


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _paragraphs(lines: Iterable[str]) -> str:
    """Blank lines separate paragraphs; lines inside one are kept, trimmed."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return "\n\n".join(paragraphs)


_INSIGHT = re.compile(r"(?P<who>.{1,150}?)['’‘]s insight\s*:\s*(?P<rest>.*)")
_TAGS_LINE = re.compile(r"(?:Tags?|Mots[- ]clés)\s*:\s*(?P<tags>.*?)\.?", re.IGNORECASE)
_COMMENT = re.compile(
    r"(?P<who>.{1,150}?)['’‘]s (?P<kind>comment|curator insight)\s*,\s*(?P<when>.+)"
)
_SCOOPED = re.compile(r"Scooped by\s+(?P<who>\S.*?)\s*!?")
_RESCOOPED = re.compile(r"Rescooped by\s+(?P<who>\S.*?)\s+from\s+(?P<source>\S.*?)\s*!?")
_CURATED = re.compile(r"Curated by\s+(?P<who>\S.*?)\s*!?")
_VIA = re.compile(r"Via\s+(?P<who>[^.,;:!?]{1,80})")
_SEE_ON = re.compile(r"See on\s+(?P<site>\S+\.\S+)")


def _comment_header(line: str) -> tuple[str, bool, datetime | None] | None:
    m = _COMMENT.fullmatch(line)
    if not m:
        return None
    posted_at = _parse_date(m["when"])
    # A sentence like "Marie's comment, in short, ..." is text, not a comment entry.
    if posted_at is None and not (len(m["when"]) <= 40 and re.search(r"[0-9]", m["when"])):
        return None
    return m["who"].strip(), m["kind"] == "curator insight", posted_at


def _insight_and_tags(lines: Iterable[str]) -> tuple[str, list[str]]:
    kept, tags = [], []
    for line in lines:
        m = _TAGS_LINE.fullmatch(line.strip())
        if m:
            tags.extend(_split_tags(m["tags"]))
        else:
            kept.append(line)
    return _paragraphs(kept), tags


def _site_from(lines: list[str]) -> tuple[list[str], str]:
    """Remove 'See on <site>' lines (older Scoop.it layout), returning the site named."""
    site, kept = "", []
    for line in lines:
        m = _SEE_ON.fullmatch(line.strip())
        if m and not m["site"].lower().startswith("scoop.it"):
            site = site or m["site"]
        else:
            kept.append(line)
    return kept, site


# --- text capture -----------------------------------------------------------------------

_NOISE = {"scoop.it!", "your new post is loading...", "your new post is loading…"}
_HEADER_NOISE = _NOISE | {"follow", "unfollow", "following", "suivre"}
_NO_COMMENT = {"no comment yet.", "aucun commentaire."}
_POPULAR_TAGS = {"popular tags", "tags populaires"}
_DATE_EXAMPLE = "a date such as 'March 26, 2019 11:26 AM'"


def _quote(line: str) -> str:
    return repr(line if len(line) <= 80 else line[:79] + "…")


def _post_start(line: str) -> tuple[str, str | None] | None:
    m = _RESCOOPED.fullmatch(line)
    if m:
        return m["who"], m["source"]
    m = _SCOOPED.fullmatch(line)
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
    m = _VIEWS.fullmatch(line)
    if not m:
        return None
    total = _count(m["total"])
    today = _count(m["today"]) if m["today"] else 0
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
        or _VIEWS.fullmatch(title)
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
        curated = _CURATED.fullmatch(line)
        if line.lower() in _HEADER_NOISE or line == title or _title_repeat(line, title):
            continue
        if views:
            views_total, views_today = views
        elif line.lower() in _POPULAR_TAGS:
            in_tags = True
        elif curated:
            curator = curated["who"]
        elif in_tags:
            popular_tags.extend(_split_tags(line))
        else:
            description.append(line)

    bounds = zip(starts, [*starts[1:], len(lines)], strict=True)
    posts = [_parse_text_post(lines, start, end, title) for start, end in bounds]
    if not curator:
        curator = Counter(post.curated_by for post in posts).most_common(1)[0][0]
    return ParsedTopic(
        title=title,
        description=_paragraphs(description),
        curator=curator,
        views_total=views_total,
        views_today=views_today,
        popular_tags=_unique(popular_tags),
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
    curated_at = _parse_date(lines[date_at])
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
        header = _comment_header(line)
        is_insight = _INSIGHT.fullmatch(line) if section != "comments" else None
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
        elif section in ("summary", "insight") and (m := _VIA.fullmatch(line)):
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

    summary, site_name = _site_from(summary)
    insight, insight_site = _site_from(insight)
    insight_text, tags = _insight_and_tags(insight)
    return ParsedPost(
        title=title,
        url=None,
        site_name=site_name or insight_site,
        curated_by=curated_by,
        curated_at=curated_at,
        rescooped_from=rescooped_from,
        via=via,
        summary=_paragraphs(summary),
        insight=insight_text,
        tags=_unique(tags),
        image_url=None,
        comments=[
            ParsedComment(
                author=who, posted_at=when, text=_paragraphs(body), is_curator_insight=kind
            )
            for (who, kind, when), body in comments
        ],
        line=start + 1,
    )


# --- HTML page --------------------------------------------------------------------------
# Markup seen in public scrapers of scoop.it: posts are div[id^=post_] (with data-lid),
# the title is h2 > a pointing at the source, popular tags are
# .topic-tags-list > .topic-tags-item > a. Other class names are matched loosely.

_BLOCK_TAGS = {
    "p", "div", "li", "ul", "ol", "blockquote", "section", "article", "header", "footer",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "figure", "figcaption",
}  # fmt: skip
_BREAK, _NEWLINE = "\x00b", "\x00n"


def _classes(el: Any) -> set[str]:
    return set(str(el.get("class") or "").split())


def _elements(root: Any) -> list[Any]:
    from lxml import etree

    return list(root.iter(etree.Element))


def _with_class(root: Any, *names: str) -> list[Any]:
    wanted = set(names)
    return [el for el in _elements(root) if _classes(el) & wanted]


def _outermost(elements: list[Any]) -> list[Any]:
    chosen = set(elements)
    return [el for el in elements if not any(a in chosen for a in el.iterancestors())]


def _text(el: Any) -> str:
    return " ".join(str(el.text_content()).split())


def _block_text(el: Any) -> str:
    """Paragraphs of an element: block tags separate paragraphs, <br> separates lines."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if tag in ("script", "style") or not isinstance(node.tag, str):
            return
        parts.append(_BREAK if tag in _BLOCK_TAGS else _NEWLINE if tag == "br" else "")
        parts.append(node.text or "")
        for child in node:
            walk(child)
            parts.append(child.tail or "")
        parts.append(_BREAK if tag in _BLOCK_TAGS else "")

    walk(el)
    raw = " ".join("".join(parts).replace("\x00", " \x00").split())
    paragraphs = []
    for block in raw.split(_BREAK):
        lines = [line.strip() for line in block.split(_NEWLINE) if line.strip()]
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def _meta(root: Any, key: str) -> str:
    for el in root.iter("meta"):
        if key in (el.get("property"), el.get("name")):
            return " ".join(str(el.get("content") or "").split())
    return ""


def parse_scoopit_html(html: str) -> ParsedTopic:
    """Parse a saved topic page; tolerant of missing parts, strict about posts."""
    import lxml.html
    from lxml import etree

    # Encoding to bytes lets lxml accept pages that carry an XML encoding declaration.
    data = html.encode("utf-8", errors="replace")
    try:
        root = lxml.html.document_fromstring(data, parser=lxml.html.HTMLParser(encoding="utf-8"))
        return _parse_html_document(root)
    except (etree.LxmlError, ValueError) as exc:
        if isinstance(exc, ScoopitParseError):
            raise
        raise ScoopitParseError(1, f"not readable as HTML: {exc}") from exc


def _parse_html_document(root: Any) -> ParsedTopic:
    page_title = next(iter(root.iter("title")), None)
    titles = [
        *(_text(el) for el in _with_class(root, "theme-title", "topic-title")),
        _meta(root, "og:title"),
        *(_text(el) for el in root.iter("h1")),
        _text(page_title).removesuffix(" | Scoop.it") if page_title is not None else "",
    ]
    title = next((t for t in titles if t), "")
    if not title:
        raise ScoopitParseError(1, "no topic title (no h1, og:title or <title>)")

    description = next(
        (_block_text(el) for el in _with_class(root, "theme-description", "topic-description")),
        _meta(root, "og:description") or _meta(root, "description"),
    )
    page_text = " ".join(str(root.text_content()).split())
    views = _VIEWS.search(page_text)
    views_total = (_count(views["total"]) or 0) if views else 0
    views_today = (_count(views["today"]) or 0) if views and views["today"] else 0
    curated_el = next(
        (el for el in _elements(root) if re.match(r"\s*Curated by\b", el.text or "")), None
    )

    popular_tags = [
        _text(el)
        for el in _with_class(root, "topic-tags-item-name")
        or [a for box in _with_class(root, "popular-tags") for a in box.iter("a")]
    ]

    candidates = [
        el
        for el in _elements(root)
        if str(el.get("id") or "").startswith("post_") or _classes(el) & {"post-view", "post"}
    ]
    posts = [_parse_html_post(el) for el in _outermost(candidates)]
    if not posts:
        raise ScoopitParseError(1, "no post found (no div[id^=post_] or .post-view element)")
    curator = ""
    if curated_el is not None:
        name_el = next(curated_el.iter("a"), None)
        curator = _text(name_el) if name_el is not None else _text(curated_el)[len("Curated by") :]
        curator = curator.strip(" !")
    if not curator:
        named = [post.curated_by for post in posts if post.curated_by]
        curator = Counter(named).most_common(1)[0][0] if named else ""
    for post in posts:
        post.curated_by = post.curated_by or curator  # a post without "Scooped by" text
    return ParsedTopic(
        title=title,
        description=description,
        curator=curator,
        views_total=views_total,
        views_today=views_today,
        popular_tags=_unique(tag for tag in popular_tags if tag),
        posts=posts,
    )


def _parse_html_post(post: Any) -> ParsedPost:
    line = int(post.sourceline or 1)
    comment_els = _outermost(_with_class(post, "post-comment"))
    in_comment = {el for box in comment_els for el in _elements(box)}
    own = [el for el in _elements(post) if el not in in_comment]  # the post's, not a comment's

    heading = next(
        (el for el in own if _classes(el) & {"postTitleView", "post-title"}),
        next((el for el in own if el.tag in ("h2", "h3")), None),
    )
    link = None
    if heading is not None:
        link = heading if heading.tag == "a" else next(heading.iter("a"), None)
    title = _text(link if link is not None else heading) if heading is not None else ""
    if not title:
        raise ScoopitParseError(line, "the post has no title (no h2/h3 or .postTitleView)")
    href = str(link.get("href") or "").strip() if link is not None else ""

    metas = next((el for el in own if re.match(r"\s*(?:Re)?[Ss]cooped by\b", el.text or "")), None)
    meta_text = _text(metas) if metas is not None else ""
    curated_at, date_text = None, ""
    for el in own:
        if el.tag == "time" or _classes(el) & {"post-date", "date"}:
            date_text = _text(el)
            curated_at = _parse_date(str(el.get("datetime") or "")) or _parse_date(date_text)
            if curated_at:
                break
    if curated_at is None and (found := _search_date(meta_text)):
        curated_at, date_text = found
    if curated_at is None:
        raise ScoopitParseError(line, f"the post {title!r} has no readable curation date")
    who = meta_text.replace(date_text, " ") if date_text else meta_text
    m = _RESCOOPED.fullmatch(" ".join(who.split())) or _SCOOPED.fullmatch(" ".join(who.split()))

    insight = ""
    tags: list[str] = []
    insight_el = next((el for el in own if _classes(el) & {"post-insight", "insight"}), None)
    if insight_el is not None:
        text = re.sub(r"^.{1,150}?['’‘]s insight\s*:\s*", "", _block_text(insight_el))
        insight, tags = _insight_and_tags(text.split("\n"))
    summary_el = next(
        (el for el in own if _classes(el) & {"post-description", "post-content", "summary"}), None
    )
    tags += [
        _text(a).lstrip("#")
        for a in own
        if a.tag == "a" and ("?tag=" in str(a.get("href") or "") or "post-tag" in _classes(a))
    ]
    site = next((el for el in own if _classes(el) & {"post-source", "source-name"}), None)
    via_el = next((el for el in own if re.match(r"\s*Via\s", el.text or "")), None)
    via = _VIA.fullmatch(_text(via_el)) if via_el is not None else None
    image = next(
        (el for el in own if el.tag == "img" and not _classes(el) & {"avatar", "user-avatar"}),
        None,
    )
    return ParsedPost(
        title=title,
        url=href if href.startswith(("http://", "https://")) else None,
        site_name=_text(site).removeprefix("From ").strip() if site is not None else "",
        curated_by=m["who"] if m else "",
        curated_at=curated_at,
        rescooped_from=m.groupdict().get("source") if m else None,
        via=via["who"].strip() if via else None,
        summary=_block_text(summary_el) if summary_el is not None else "",
        insight=insight,
        tags=_unique(tag for tag in tags if tag),
        image_url=str(image.get("src")) if image is not None and image.get("src") else None,
        comments=[_parse_html_comment(el) for el in comment_els],
        line=line,
    )


def _parse_html_comment(el: Any) -> ParsedComment:
    """A comment entry: '<user>'s comment, <date>' (or curator insight) then its text."""
    parts = _block_text(el).split("\n")
    header = _comment_header(parts[0]) if parts else None
    author_el = next(iter(_with_class(el, "comment-author")), None)
    date_el = next((d for d in _elements(el) if d.tag == "time"), None)
    body_el = next(iter(_with_class(el, "comment-text", "comment-body")), None)
    posted_at = header[2] if header else None
    if date_el is not None:
        posted_at = _parse_date(str(date_el.get("datetime") or "")) or posted_at
    if body_el is not None:
        text = _block_text(body_el)
    else:
        text = "\n".join(parts[1:] if header else parts).strip()
    return ParsedComment(
        author=_text(author_el) if author_el is not None else (header[0] if header else ""),
        posted_at=posted_at,
        text=text,
        is_curator_insight="curator-insight" in _classes(el) or bool(header and header[1]),
    )
