"""The actor pages: one actor across the topics the reader may see, a topic's actors."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from glaneur.curation.pages import topic_for

from . import queries
from .models import Actor


def actor_detail(request: HttpRequest, slug: str) -> HttpResponse:
    actor = get_object_or_404(Actor, slug=slug)
    page = queries.actor_page(actor, request.user)
    if page is None:
        raise Http404  # named only in posts this reader may not see
    return render(request, "enrich/actor_detail.html", {"page": page, "actor": actor})


def topic_actors(request: HttpRequest, slug: str) -> HttpResponse:
    topic = topic_for(request, slug)  # type: ignore[arg-type]
    actors = queries.topic_actors(topic, request.user)
    return render(request, "enrich/topic_actors.html", {"topic": topic, "actors": actors})
