"""A fetched document into items: RSS 2.0, RSS 1.0 and Atom (feedparser), JSON Feed (json),
and web pages (their feed by autodiscovery, else their article links as a pseudo-feed).
Pure functions of bytes: no network, no database."""

from __future__ import annotations

import calendar
import html
import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
from django.utils.translation import gettext

from . import fastfeeds
from .items import Item

# What the poller accepts from a source (the fetcher refuses any other type).
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/feed+json",
    "application/json",
    "text/html",
    "application/xhtml+xml",
    "text/plain",
)
_PAGE_TYPES = ("text/html", "application/xhtml+xml")
_DISCOVERABLE = ("application/rss+xml", "application/atom+xml", "application/feed+json")
MAX_ITEMS = 200  # a feed's first entries (the newest, as feeds list them)
MAX_PAGE_LINKS = 50
MAX_SUMMARY = 2000
_TAGS = re.compile(r"<[^>]+>")
_HIDDEN = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
# Links of a page that lead to its furniture, not to an article.
_NOT_ARTICLES = re.compile(
    r"/(tag|tags|category|categories|categorie|rubrique|author|auteur|page|search|recherche|"
    r"login|connexion|account|compte|contact|about|a-propos|mentions-legales|cgu|privacy|"
    r"feed|rss|wp-login\.php|wp-admin)(/|$)",
    re.IGNORECASE,
)


class FeedError(ValueError):
    """A document that is no feed this module reads; its message says why, in words
    (translated)."""


@dataclass
class Feed:
    title: str = ""
    items: list[Item] = field(default_factory=list)
    ttl_minutes: int | None = None  # RSS <ttl>: how long the feed asks readers to wait
    feed_url: str = ""  # a page's own feed, found by autodiscovery: fetch it instead
    pseudo: bool = False  # a page's article links, not a feed


def _text(markup: str) -> str:
    return " ".join(html.unescape(_TAGS.sub(" ", _HIDDEN.sub(" ", markup or ""))).split())


def _when(parsed: Any) -> datetime | None:
    if not isinstance(parsed, time.struct_time | tuple) or not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def parse(body: bytes, content_type: str, url: str, charset: str | None = None) -> Feed:
    """The items of a fetched document; FeedError when it is none of the known kinds."""
    start = body.lstrip()[:1]
    if content_type in ("application/feed+json", "application/json") or start in (b"{", b"["):
        return _json_feed(body, url)
    if content_type in _PAGE_TYPES and not _looks_like_xml_feed(body):
        return _page(body, url, charset)
    return _xml_feed(body, url)


def _looks_like_xml_feed(body: bytes) -> bool:
    head = body.lstrip()[:1000].lower()
    return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head


def _image_of(entry: Any) -> str:
    for key in ("media_content", "media_thumbnail"):
        for media in entry.get(key) or []:
            medium = str(media.get("medium", "image"))
            if media.get("url") and (medium == "image" or key == "media_thumbnail"):
                return str(media["url"])
    for enclosure in entry.get("enclosures") or []:
        if str(enclosure.get("type", "")).startswith("image/") and enclosure.get("href"):
            return str(enclosure["href"])
    return ""


def _xml_feed(body: bytes, url: str) -> Feed:
    fast = fastfeeds.read(body, url, _text, MAX_ITEMS)
    if fast is not None:
        title, items, ttl = fast
        return Feed(title=title, items=items, ttl_minutes=ttl)
    return read_with_feedparser(body, url)


def read_with_feedparser(body: bytes, url: str) -> Feed:
    """Any RSS or Atom feed, however odd, read by feedparser (the reference parser)."""
    parsed = feedparser.parse(body)
    channel = parsed.get("feed") or {}
    items = []
    for entry in (parsed.get("entries") or [])[:MAX_ITEMS]:
        link = str(entry.get("link") or "")
        if not link:
            continue
        link = urljoin(url, link)
        summary = entry.get("summary") or ""
        if not summary and entry.get("content"):
            summary = entry["content"][0].get("value", "")
        image = _image_of(entry)
        items.append(
            Item(
                url=link,
                title=_text(str(entry.get("title") or ""))[:500] or link,
                summary=_text(str(summary))[:MAX_SUMMARY],
                published=_when(entry.get("published_parsed") or entry.get("updated_parsed")),
                image_url=urljoin(url, image) if image else "",
            )
        )
    # feedparser reads what it can of a feed that is not well-formed (an unknown entity, a
    # cut-off end): its items are kept; a document with nothing usable is an error.
    if not items and (parsed.get("bozo") or not parsed.get("version")):
        error = parsed.get("bozo_exception")
        detail = str(error).strip() if error and parsed.get("version") else ""
        if detail:
            reason = gettext("The source is not a readable feed (%(error)s).") % {"error": detail}
        else:
            reason = gettext("The source is neither an RSS, Atom or JSON feed nor a web page.")
        raise FeedError(reason[:400])
    ttl = str(channel.get("ttl") or "").strip()
    return Feed(
        title=_text(str(channel.get("title") or "")),
        items=items,
        ttl_minutes=int(ttl) if ttl.isdigit() and int(ttl) > 0 else None,
    )


def _json_date(value: object) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _json_feed(body: bytes, url: str) -> Feed:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        reason = gettext("The source is not readable JSON (%(error)s).") % {"error": error}
        raise FeedError(reason[:400]) from error
    version = str(data.get("version", "")) if isinstance(data, dict) else ""
    if not isinstance(data, dict) or not version.startswith("https://jsonfeed.org/version/"):
        raise FeedError(
            gettext("The source is JSON but not a JSON Feed (no jsonfeed.org version).")
        )
    items = []
    raw_items = data.get("items")
    for raw in (raw_items if isinstance(raw_items, list) else [])[:MAX_ITEMS]:
        if not isinstance(raw, dict):
            continue
        link = str(raw.get("url") or raw.get("external_url") or "")
        if not link:
            continue
        link = urljoin(url, link)
        summary = raw.get("summary") or raw.get("content_text") or raw.get("content_html") or ""
        image = str(raw.get("image") or raw.get("banner_image") or "")
        items.append(
            Item(
                url=link,
                title=_text(str(raw.get("title") or ""))[:500] or link,
                summary=_text(str(summary))[:MAX_SUMMARY],
                published=_json_date(raw.get("date_published") or raw.get("date_modified")),
                image_url=urljoin(url, image) if image else "",
            )
        )
    return Feed(title=_text(str(data.get("title") or "")), items=items)


class _Links(HTMLParser):
    """A page's declared feeds, its links (with their text) and its title."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.feeds: list[str] = []
        self.anchors: list[tuple[str, str]] = []
        self.title = ""
        self.base = ""
        self._in_title = False
        self._anchor: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): (value or "") for name, value in attrs}
        if tag == "link" and "alternate" in values.get("rel", "").lower().split():
            kind = values.get("type", "").lower().split(";")[0].strip()
            if kind in _DISCOVERABLE and values.get("href"):
                self.feeds.append(values["href"].strip())
        elif tag == "base" and values.get("href") and not self.base:
            self.base = values["href"].strip()
        elif tag == "a" and values.get("href"):
            self._anchor, self._text = values["href"].strip(), []
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._anchor is not None:
            self.anchors.append((self._anchor, " ".join("".join(self._text).split())))
            self._anchor = None
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._anchor is not None:
            self._text.append(data)
        if self._in_title:
            self.title += data


def _site(host: str | None) -> str:
    return (host or "").lower().removeprefix("www.")


def _page(body: bytes, url: str, charset: str | None) -> Feed:
    """A page: its feed if it declares one; else its links that look like articles (same
    site, a path below the home that is not the site's furniture, a text of several
    words), as a pseudo-feed."""
    try:
        text = body.decode(charset or "utf-8", "replace")
    except LookupError:
        text = body.decode("utf-8", "replace")
    links = _Links()
    links.feed(text)
    links.close()
    base = urljoin(url, links.base) if links.base else url
    title = " ".join(links.title.split())
    if links.feeds:
        return Feed(title=title, feed_url=urljoin(base, links.feeds[0]))
    site = _site(urlsplit(url).hostname)
    page = url.split("#")[0]
    seen: set[str] = set()
    items = []
    for href, words in links.anchors:
        target = urljoin(base, href).split("#")[0]
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https") or _site(parts.hostname) != site:
            continue
        if parts.path in ("", "/") or _NOT_ARTICLES.search(parts.path):
            continue
        if len(words.split()) < 3 or target in seen or target == page:
            continue
        seen.add(target)
        items.append(Item(url=target, title=words[:500]))
        if len(items) >= MAX_PAGE_LINKS:
            break
    if not items:
        raise FeedError(gettext("The page declares no feed and links to no article."))
    return Feed(title=title, items=items, pseudo=True)
