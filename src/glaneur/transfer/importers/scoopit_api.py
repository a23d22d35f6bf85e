"""Scoop.it API JSON: a topic's posts as its API returns them.

Accepted shapes: ``{"topic": {"curatedPosts": [...]}}`` (GET /api/1/topic), ``{"curatedPosts":
[...]}``, ``{"posts": [...]}`` or a bare list of posts. Per post: ``curationDate`` and
``publicationDate`` (milliseconds since 1970), ``title``, ``url`` (absent for text posts),
``content``/``htmlContent`` (the summary), ``insight``/``htmlInsight`` (the curator's text;
HTML is sanitised and turned into Markdown), ``tags``, ``imageUrl``/``largeImageUrl``,
``author`` (the curator: a user object or a name), ``pageViews`` (kept as historical
views), ``id`` (kept as the import key, so a re-import finds its posts).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from ..errors import ImportFailed
from ..textconv import html_to_markdown, html_to_text
from .common import load_json, make_key, one_line, require_url, web_url
from .records import ImportBundle, PostRecord, UserRecord


def _posts_of(document: Any) -> list[Any] | None:
    if isinstance(document, list):
        return document
    if not isinstance(document, dict):
        return None
    for container in (document, document.get("topic")):
        if isinstance(container, dict):
            for name in ("curatedPosts", "posts"):
                if isinstance(container.get(name), list):
                    posts = list(container[name])
                    pinned = container.get("pinnedPost")
                    if isinstance(pinned, dict):
                        posts.append({**pinned, "pinned": True})
                    return posts
    return None


def looks_like_scoopit(document: Any) -> bool:
    posts = _posts_of(document) or []
    return bool(posts) and all(isinstance(p, dict) and "curationDate" in p for p in posts[:20])


def _millis(value: Any, name: str, item: int) -> datetime:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ImportFailed(
            _("%(name)s must be a number of milliseconds, not %(value)r")
            % {"name": name, "value": value},
            item=item,
        )
    try:
        return datetime.fromtimestamp(float(value) / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise ImportFailed(
            _("%(name)s: %(value)r is out of range") % {"name": name, "value": value}, item=item
        ) from None


def _tag_names(value: Any) -> list[str]:
    names = []
    for tag in value or []:
        name = tag.get("name") or tag.get("tag") if isinstance(tag, dict) else tag
        if isinstance(name, str) and name.strip():
            names.append(name)
    return names


def parse_scoopit_api(data: bytes) -> ImportBundle:
    posts = _posts_of(load_json(data))
    if posts is None:
        raise ImportFailed(_("no list of posts (curatedPosts) in this JSON"), line=1)
    bundle = ImportBundle(format="scoopit", posts=[], create_accounts=True)
    seen_ids: set[str] = set()
    for item, raw in enumerate(posts, start=1):
        if not isinstance(raw, dict):
            raise ImportFailed(_("a post must be an object"), item=item)
        if "curationDate" not in raw:
            raise ImportFailed(_("the post has no curationDate"), item=item)
        url = require_url(str(raw["url"]), item=item) if raw.get("url") else ""
        title = one_line(html_to_text(str(raw.get("title") or ""))) or url
        if not title:
            raise ImportFailed(_("the post has neither a title nor a url"), item=item)
        summary = str(raw.get("content") or "") or html_to_text(str(raw.get("htmlContent") or ""))
        html_insight = str(raw.get("htmlInsight") or "")
        insight = html_to_markdown(html_insight) if html_insight else str(raw.get("insight") or "")
        image = web_url(str(raw.get("largeImageUrl") or "")) or web_url(
            str(raw.get("imageUrl") or "")
        )
        fields: dict[str, object] = {
            "title": title,
            "url": url,
            "summary": summary.strip(),
            "insight": insight.strip(),
            "image_url": image or "",
            "curated_at": _millis(raw["curationDate"], "curationDate", item),
            "pinned": bool(raw.get("pinned")),
        }
        if raw.get("publicationDate") is not None:
            fields["source_published_at"] = _millis(raw["publicationDate"], "publicationDate", item)
        views = raw.get("pageViews")
        if isinstance(views, int) and not isinstance(views, bool) and views > 0:
            fields["historical_views"] = views
        record = PostRecord(
            item=item,
            line=None,
            key=make_key("scoopit-api", str(raw.get("id") or "")),
            fields=fields,
            tags=_tag_names(raw.get("tags")),
        )
        author = raw.get("author")
        if isinstance(author, dict):
            name = one_line(author.get("name") or author.get("shortName"))
            username = slugify(str(author.get("shortName") or name))[:150]
            if username:
                bundle.users.setdefault(username, UserRecord(username, first_name=name))
                record.users["curated_by"] = username
        elif isinstance(author, str) and author.strip():
            fields["author"] = one_line(author)
        if record.key and record.key in seen_ids:
            raise ImportFailed(_("the id %(id)r appears twice") % {"id": raw.get("id")}, item=item)
        seen_ids.add(record.key)
        bundle.posts.append(record)
    return bundle
