"""Feeds are read by pollers far more often than topics change: serve them from a cache
keyed on the topic's content stamp, so a change shows in the next poll."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse

from glaneur.cache import fragment_cache
from glaneur.curation.access import can_view_topic
from glaneur.curation.models import Topic
from glaneur.curation.queries import topic_stamp

CACHED_HEADERS = ("Content-Type", "Last-Modified")


def cached_feed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, **kwargs: Any) -> HttpResponse:
        topic = (
            Topic.objects.filter(slug=slug).only("pk", "content_changed_at", "visibility").first()
        )
        # Feeds are what an anonymous reader sees (access.py): never from the cache for a
        # topic that turned private (the view answers 404).
        if (
            topic is None
            or request.method not in ("GET", "HEAD")
            or not can_view_topic(None, topic)
        ):
            return view(request, slug=slug, **kwargs)
        key = f"feed:{request.build_absolute_uri(request.path)}:{topic_stamp(topic)}"
        stored = fragment_cache.get(key)
        if stored is not None:
            content, headers = stored
            return HttpResponse(content, headers=headers)
        response = view(request, slug=slug, **kwargs)
        if response.status_code == 200:
            headers = {name: response[name] for name in CACHED_HEADERS if response.has_header(name)}
            fragment_cache.set(key, (response.content, headers), 3600)
        return response

    return wrapper
