"""Search pages: across the topics a reader may see, and within one topic."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import urlencode

from glaneur.curation.access import can_view_topic
from glaneur.curation.models import Topic
from glaneur.http import HtmxHttpRequest

from .queries import SearchPage, search


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


def search_all(request: HtmxHttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    results = search(q, user=request.user, page=_page_number(request))
    context: dict[str, Any] = {"q": q, "results": results, **_links(q, results)}
    return render(request, "search/search.html", context)


def search_topic(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    if not can_view_topic(request.user, topic):
        raise Http404
    q = request.GET.get("q", "").strip()
    results = search(q, topic=topic, user=request.user, page=_page_number(request))
    context: dict[str, Any] = {"q": q, "topic": topic, "results": results, **_links(q, results)}
    return render(request, "search/search.html", context)
