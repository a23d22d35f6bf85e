"""Template tags of syndication: the embed snippet and the oEmbed discovery link."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from glaneur.curation.models import Post, Topic

from ..embeds import topic_snippet

register = template.Library()


def _base_url(context: template.Context) -> str:
    request = context["request"]
    return f"{request.scheme}://{request.get_host()}"


@register.simple_tag(takes_context=True)
def embed_snippet(context: template.Context, topic: Topic) -> str:
    """The HTML a host page pastes to show ``topic`` (escaped where it is output)."""
    return topic_snippet(topic, _base_url(context))


@register.simple_tag(takes_context=True)
def oembed_discovery(context: template.Context, topic: Topic, post: Any = None) -> SafeString:
    """The oEmbed discovery <link> of a public topic's page or of its published post's."""
    if topic.visibility != Topic.Visibility.PUBLIC:
        return SafeString("")
    if post and post.status != Post.Status.PUBLISHED:
        return SafeString("")
    base = _base_url(context)
    shown = post or topic
    page = f"{base}{shown.get_absolute_url()}"
    query = urlencode({"url": page, "format": "json"})
    return format_html(
        '<link rel="alternate" type="application/json+oembed" href="{}" title="{}">',
        f"{base}{reverse('syndication:oembed')}?{query}",
        shown.title,
    )
