"""Search pages: across the topics a reader may see, and within one topic."""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from glaneur.cache import fragment_cache
from glaneur.curation.access import can_view_topic
from glaneur.curation.models import Topic
from glaneur.curation.queries import topic_stamp
from glaneur.http import HtmxHttpRequest

from .queries import SearchPage, search

RESULTS_TTL = 600


def _page_number(request: HtmxHttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _links(q: str, results: SearchPage) -> dict[str, str]:
    return {
        "next_query": urlencode([("q", q), ("page", results.next_number)]),
        "previous_query": urlencode([("q", q), ("page", results.previous_number)]),
    }


def _results_html(
    request: HtmxHttpRequest, q: str, results: SearchPage, topic: Topic | None
) -> str:
    context = {"q": q, "results": results, "topic": topic, **_links(q, results)}
    return render_to_string("search/_results.html", context, request=request)


def _page(
    request: HtmxHttpRequest, q: str, page: int, topic: Topic | None, html: str
) -> HttpResponse:
    context: dict[str, Any] = {"q": q, "topic": topic, "page_number": page, "results_html": html}
    return render(request, "search/search.html", context)


def search_all(request: HtmxHttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    page = _page_number(request)
    results = search(q, user=request.user, page=page)
    return _page(request, q, page, None, _results_html(request, q, results, None))


def search_topic(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    if not can_view_topic(request.user, topic):
        raise Http404
    q = request.GET.get("q", "").strip()
    page = _page_number(request)
    # A topic's search finds its published posts, the same for whoever may view the topic:
    # its results are rendered once per query, page, language, topic stamp and the time the
    # index last wrote the topic (search.services), and shared by every reader.
    digest = hashlib.blake2b(q.encode(), digest_size=12).hexdigest()
    stamp = f"{topic_stamp(topic)}-{topic.indexed_at.timestamp()}"
    key = f"search:{topic.pk}:{stamp}:{get_language()}:{page}:{digest}"
    html = fragment_cache.get(key)
    if html is None:
        results = search(q, topic=topic, user=request.user, page=page)
        html = _results_html(request, q, results, topic)
        fragment_cache.set(key, html, RESULTS_TTL)
    return _page(request, q, page, topic, mark_safe(html))  # noqa: S308 - our own rendering
