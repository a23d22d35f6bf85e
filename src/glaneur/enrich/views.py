"""The actor pages: one actor across the topics the reader may see, a topic's actors."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from glaneur.curation import access
from glaneur.curation.models import Post
from glaneur.curation.pages import topic_for

from . import corrections, queries
from .models import Actor, Quote


def actor_detail(request: HttpRequest, slug: str) -> HttpResponse:
    actor = get_object_or_404(Actor, slug=slug)
    page = queries.actor_page(actor, request.user)
    if page is None:
        raise Http404  # named only in posts this reader may not see
    return render(request, "enrich/actor_detail.html", {"page": page, "actor": actor})


def topic_actors(request: HttpRequest, slug: str) -> HttpResponse:
    topic = topic_for(request, slug)  # type: ignore[arg-type]
    actors = queries.topic_actors(topic, request.user)
    context = {
        "topic": topic,
        "actors": actors,
        "can_merge": access.can_curate(request.user, topic) and len(actors) > 1,
    }
    return render(request, "enrich/topic_actors.html", context)


# Curators' corrections (forms on the post page and on a topic's actors page).


def _visible_quote(request: HttpRequest, quote_id: int) -> Quote:
    quote = get_object_or_404(Quote.objects.select_related("post__topic"), pk=quote_id)
    if not access.can_view_post(request.user, quote.post):
        raise Http404
    return quote


def _visible_post(request: HttpRequest, post_id: int) -> Post:
    post = get_object_or_404(Post.objects.select_related("topic"), pk=post_id)
    if not access.can_view_post(request.user, post):
        raise Http404
    return post


def _back(request: HttpRequest, post: Post, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(f"{post.get_absolute_url()}#voices-{post.pk}")


@require_POST
def fix_speaker(request: HttpRequest, quote_id: int) -> HttpResponse:
    quote = _visible_quote(request, quote_id)
    try:
        corrections.fix_speaker(quote, request.POST.get("name", ""), by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(quote.post.get_absolute_url())
    return _back(request, quote.post, _("The speaker was corrected."))


@require_POST
def drop_quote(request: HttpRequest, quote_id: int) -> HttpResponse:
    quote = _visible_quote(request, quote_id)
    corrections.drop_quote(quote, by=request.user)
    return _back(request, quote.post, _("The passage is no longer taken for a quote."))


@require_POST
def drop_actor(request: HttpRequest, post_id: int, slug: str) -> HttpResponse:
    post = _visible_post(request, post_id)
    corrections.drop_actor(post, get_object_or_404(Actor, slug=slug), by=request.user)
    return _back(request, post, _("The actor was removed from this post."))


@require_POST
def split_actor(request: HttpRequest, post_id: int, slug: str) -> HttpResponse:
    post = _visible_post(request, post_id)
    actor = get_object_or_404(Actor, slug=slug)
    try:
        corrections.split_actor(post, actor, request.POST.get("name", ""), by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(post.get_absolute_url())
    return _back(request, post, _("In this post, the actor is now someone else."))


@require_POST
def merge_actors(request: HttpRequest, slug: str) -> HttpResponse:
    topic = topic_for(request, slug)  # type: ignore[arg-type]
    source = get_object_or_404(Actor, slug=request.POST.get("source", ""))
    into = get_object_or_404(Actor, slug=request.POST.get("into", ""))
    try:
        corrections.merge_actors(source, into, topic=topic, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The two actors are now one."))
    return redirect("enrich:topic-actors", slug=topic.slug)
