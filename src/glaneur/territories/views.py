"""A topic's map: departments shaded by how many posts name them, a point per commune; each
links to the topic filtered by that place (``?lieu=``). Server-rendered SVG, no script."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from glaneur.curation import queries as curation_queries
from glaneur.curation.pages import topic_for
from glaneur.http import HtmxHttpRequest

from . import queries


def topic_map(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    topic = topic_for(request, slug)
    the_map = queries.topic_map(curation_queries.published_posts(topic))
    located = [a for a in the_map.areas if a.posts]
    located.sort(key=lambda a: (-a.posts, a.name))
    x0, y0, x1, y1 = the_map.view
    return render(
        request,
        "territories/topic_map.html",
        {
            "topic": topic,
            "map": the_map,
            "departments": located,
            "view": " ".join(f"{n:g}" for n in (x0, y0, x1 - x0, y1 - y0)),
        },
    )
