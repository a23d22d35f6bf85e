"""``{% post_quotes post %}``: the quotes and actors block of a post page."""

from __future__ import annotations

from typing import Any

from django import template

from glaneur.curation.models import Post

from .. import queries

register = template.Library()


@register.inclusion_tag("enrich/_post_quotes.html")
def post_quotes(post: Post) -> dict[str, Any]:
    mentions = queries.post_mentions(post)
    return {
        "post": post,
        "quotes": queries.post_quotes(post),
        "people": [m for m in mentions if m.actor.kind == "PER"],
        "organisations": [m for m in mentions if m.actor.kind == "ORG"],
    }
