"""A topic's map: departments shaded by how many posts name them, a point per commune; each
links to the topic filtered by that place (``?lieu=``). Server-rendered SVG, no script."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from glaneur.curation import queries as curation_queries
from glaneur.curation.pages import post_for, topic_for
from glaneur.curation.services import check_can_edit_post
from glaneur.http import HtmxHttpRequest

from . import queries, services
from .models import PlaceLookup, PostPlace


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


@require_POST
@login_required
def post_place(
    request: HtmxHttpRequest, slug: str, post_id: int, kind: str, code: str
) -> HttpResponse:
    """A curator drops a place the finder got wrong, or brings it back (the edit page)."""
    topic = topic_for(request, slug)
    post = post_for(request, topic, post_id)
    if kind not in PostPlace.Kind.values:
        raise Http404
    keep = request.POST.get("keep") == "1"
    try:
        place = services.correct_place(post, by=request.user, kind=kind, code=code, keep=keep)
    except ValueError as error:
        raise Http404 from error
    message = (
        _("“%(place)s” kept for this post.")
        if keep
        else _("“%(place)s” dropped from this post; a new analysis will not bring it back.")
    )
    messages.success(request, message % {"place": place.name})
    return redirect(reverse("curation:post-edit", args=[topic.slug, post.pk]) + "#places")


@require_POST
@login_required
def add_place(request: HtmxHttpRequest, slug: str, post_id: int) -> HttpResponse:
    """A curator adds a place by name or code; the worker looks it up (edit page)."""
    topic = topic_for(request, slug)
    post = post_for(request, topic, post_id)
    text = request.POST.get("place", "")
    if text.strip():
        services.request_place(post, by=request.user, text=text)
        messages.info(request, _("Looking up “%(place)s”…") % {"place": " ".join(text.split())})
    return redirect(reverse("curation:post-edit", args=[topic.slug, post.pk]) + "#places")


@require_POST
@login_required
def dismiss_lookup(request: HtmxHttpRequest, slug: str, post_id: int, pk: int) -> HttpResponse:
    topic = topic_for(request, slug)
    post = post_for(request, topic, post_id)
    lookup = PlaceLookup.objects.filter(post=post, pk=pk).first()
    if lookup is None:
        raise Http404
    lookup.post = post
    services.dismiss_lookup(lookup, by=request.user)
    return redirect(reverse("curation:post-edit", args=[topic.slug, post.pk]) + "#places")


def post_places_part(request: HtmxHttpRequest, slug: str, post_id: int) -> HttpResponse:
    """The places section of the edit page, polled while a lookup is pending (htmx)."""
    from .templatetags.territories import edit_places_context

    topic = topic_for(request, slug)
    post = post_for(request, topic, post_id)
    check_can_edit_post(request.user, post)
    return render(request, "territories/_edit_places.html", edit_places_context(post))
