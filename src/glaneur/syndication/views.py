"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1); RSS and Atom are in feeds.py."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from .queries import FeedEntry, TopicFeed, topic_feed

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


def _json_item(entry: FeedEntry) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": entry.guid,
        "url": entry.link,
        "title": entry.title,
        "content_html": str(entry.content_html),
        "date_published": entry.published.isoformat(),
        "date_modified": entry.updated.isoformat(),
        "tags": entry.categories,
    }
    # JSON Feed wants optional keys left out rather than empty.
    if entry.external_url:
        item["external_url"] = entry.external_url
    if entry.summary:
        item["summary"] = entry.summary
    if entry.image_url:
        item["image"] = entry.image_url
    if entry.author_name:
        item["authors"] = [{"name": entry.author_name}]
    return item


def json_feed_document(feed: TopicFeed) -> dict[str, Any]:
    document: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": feed.home_url,
        "feed_url": feed.feed_urls["json"],
        "description": feed.description,
        "language": feed.language,
        "items": [_json_item(entry) for entry in feed.entries],
    }
    if feed.author_name:
        document["authors"] = [{"name": feed.author_name}]
    return document


@require_safe
def json_feed(request: HttpRequest, slug: str, tag_slug: str | None = None) -> JsonResponse:
    try:
        feed = topic_feed(slug, tag_slug, absolutise=request.build_absolute_uri)
    except ObjectDoesNotExist as exc:
        raise Http404("Feed object does not exist.") from exc
    response = JsonResponse(
        json_feed_document(feed),
        content_type="application/feed+json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False},
    )
    if feed.entries:
        latest = max(entry.updated for entry in feed.entries)
        response.headers["Last-Modified"] = http_date(latest.timestamp())
    return response
