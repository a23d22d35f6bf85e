"""Embeds: the page other sites frame, its help page with a live preview, and oEmbed."""

from __future__ import annotations

from csp.decorators import csp_replace
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from glaneur.analytics.services import record_view
from glaneur.cache import fragment_cache
from glaneur.curation.models import Topic
from glaneur.curation.queries import tags_by_slug, topic_stamp

from .embeds import (
    EmbedOptions,
    NotEmbeddable,
    embed_path,
    embed_posts,
    embed_topic,
    oembed_document,
    oembed_target,
    topic_snippet,
)

EMBED_CACHE_SECONDS = 3600


def _base_url(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _topic_or_404(slug: str) -> Topic:
    try:
        return embed_topic(slug)
    except Topic.DoesNotExist as exc:
        raise Http404 from exc


# The one page other sites may frame (every other page answers frame-ancestors 'none' and
# X-Frame-Options: DENY, settings.CONTENT_SECURITY_POLICY).
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})  # type: ignore[arg-type]
@require_safe
def topic_embed(request: HttpRequest, slug: str) -> HttpResponse:
    """A topic's latest posts for a frame on another site: ?tag=, ?theme=light|dark,
    ?compact=1, ?limit=, ?post= (one post, for oEmbed). Anonymous and cached under the
    topic's content stamp, as every host page view loads it."""
    topic = _topic_or_404(slug)
    options = EmbedOptions.from_query(request.GET)
    key = f"embed:{topic.pk}:{topic_stamp(topic)}:{options.query()}"
    html = fragment_cache.get(key)
    if html is None:
        posts = embed_posts(topic, options)
        # The host's readers get the topic's language, not the visitor's own choice here.
        with translation.override(topic.language):
            html = render_to_string(
                "syndication/embed.html",
                {
                    "topic": topic,
                    "posts": posts,
                    "options": options,
                    "tags": tags_by_slug(options.tags) if options.tags else [],
                },
            )
        fragment_cache.set(key, html, EMBED_CACHE_SECONDS)
    # A reader of the host page saw the topic: a view, as on the topic page (bots aside).
    record_view(request, topic)
    return HttpResponse(html)


@require_safe
def embed_help(request: HttpRequest, slug: str) -> HttpResponse:
    """The snippet for chosen options, a live preview of it, and how the frame resizes."""
    topic = _topic_or_404(slug)
    options = EmbedOptions.from_query(request.GET)
    base = _base_url(request)
    return render(
        request,
        "syndication/embed_help.html",
        {
            "topic": topic,
            "options": options,
            "snippet": topic_snippet(topic, base, options),
            "preview_url": embed_path(topic, options),
        },
    )


@require_safe
def oembed(request: HttpRequest) -> HttpResponse:
    """oEmbed 1.0 (https://oembed.com/) for the pages of listed topics: JSON only."""
    if request.GET.get("format", "json") != "json":
        return HttpResponse(status=501)  # what the specification asks for other formats
    try:
        topic, post = oembed_target(request.GET.get("url", ""), request.get_host())
    except NotEmbeddable as exc:
        raise Http404 from exc
    document = oembed_document(
        topic,
        post,
        base_url=_base_url(request),
        maxwidth=request.GET.get("maxwidth"),
        maxheight=request.GET.get("maxheight"),
    )
    return JsonResponse(document, json_dumps_params={"ensure_ascii": False})
