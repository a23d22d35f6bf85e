"""A saved Scoop.it topic page (HTML)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from django.utils.translation import gettext as _

from .common import (
    RESCOOPED,
    SCOOPED,
    VIA,
    VIEWS,
    comment_header,
    count,
    insight_and_tags,
    parse_date,
    search_date,
    unique,
)
from .model import ParsedComment, ParsedPost, ParsedTopic, ScoopitParseError, Skipped

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
    """Parse a saved topic page; posts that cannot be read are left out and listed."""
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
        raise ScoopitParseError(1, _("not readable as HTML: %(error)s") % {"error": exc}) from exc


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
        raise ScoopitParseError(1, _("no topic title (no h1, og:title or <title>)"))

    description = next(
        (_block_text(el) for el in _with_class(root, "theme-description", "topic-description")),
        _meta(root, "og:description") or _meta(root, "description"),
    )
    page_text = " ".join(str(root.text_content()).split())
    views = VIEWS.search(page_text)
    views_total = (count(views["total"]) or 0) if views else 0
    views_today = (count(views["today"]) or 0) if views and views["today"] else 0
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
    posts: list[ParsedPost] = []
    skipped: list[Skipped] = []
    for el in _outermost(candidates):
        try:
            posts.append(_parse_html_post(el))
        except ScoopitParseError as error:
            skipped.append(Skipped(error.line, error.reason))
    if not posts:
        if skipped:
            raise ScoopitParseError(skipped[0].line, skipped[0].reason)
        raise ScoopitParseError(1, _("no post found (no div[id^=post_] or .post-view element)"))
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
        popular_tags=unique(tag for tag in popular_tags if tag),
        posts=posts,
        skipped=skipped,
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
        raise ScoopitParseError(
            line, _("the post has no title (no h2/h3 or .postTitleView); skipped")
        )
    href = str(link.get("href") or "").strip() if link is not None else ""

    metas = next((el for el in own if re.match(r"\s*(?:Re)?[Ss]cooped by\b", el.text or "")), None)
    meta_text = _text(metas) if metas is not None else ""
    curated_at, date_text = None, ""
    for el in own:
        if el.tag == "time" or _classes(el) & {"post-date", "date"}:
            date_text = _text(el)
            curated_at = parse_date(str(el.get("datetime") or "")) or parse_date(date_text)
            if curated_at:
                break
    if curated_at is None and (found := search_date(meta_text)):
        curated_at, date_text = found
    who = meta_text.replace(date_text, " ") if date_text else meta_text
    m = RESCOOPED.fullmatch(" ".join(who.split())) or SCOOPED.fullmatch(" ".join(who.split()))

    insight = ""
    tags: list[str] = []
    insight_el = next((el for el in own if _classes(el) & {"post-insight", "insight"}), None)
    if insight_el is not None:
        text = re.sub(r"^.{1,150}?['’‘]s insight\s*:\s*", "", _block_text(insight_el))
        insight, tags = insight_and_tags(text.split("\n"))
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
    via = VIA.fullmatch(_text(via_el)) if via_el is not None else None
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
        tags=unique(tag for tag in tags if tag),
        image_url=str(image.get("src")) if image is not None and image.get("src") else None,
        comments=[_parse_html_comment(el) for el in comment_els],
        line=line,
    )


def _parse_html_comment(el: Any) -> ParsedComment:
    """A comment entry: '<user>'s comment, <date>' (or curator insight) then its text."""
    parts = _block_text(el).split("\n")
    header = comment_header(parts[0]) if parts else None
    author_el = next(iter(_with_class(el, "comment-author")), None)
    date_el = next((d for d in _elements(el) if d.tag == "time"), None)
    body_el = next(iter(_with_class(el, "comment-text", "comment-body")), None)
    posted_at = header[2] if header else None
    if date_el is not None:
        posted_at = parse_date(str(date_el.get("datetime") or "")) or posted_at
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
