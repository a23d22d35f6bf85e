"""``{% post_quotes post %}``: the quotes and actors block of a post page."""

from __future__ import annotations

from typing import Any

from django import template

from glaneur.curation.access import can_edit_post
from glaneur.curation.models import Post, Topic

from .. import queries

register = template.Library()


@register.inclusion_tag("enrich/_post_quotes.html", takes_context=True)
def post_quotes(context: template.Context, post: Post) -> dict[str, Any]:
    mentions = queries.post_mentions(post)
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "post": post,
        "can_correct": user is not None and can_edit_post(user, post),
        "csrf_token": context.get("csrf_token"),
        "quotes": queries.post_quotes(post),
        "people": [m for m in mentions if m.actor.kind == "PER"],
        "organisations": [m for m in mentions if m.actor.kind == "ORG"],
    }


@register.inclusion_tag("enrich/_search_actors.html", takes_context=True)
def search_actors(context: template.Context, query: str, topic: Any = None) -> dict[str, Any]:
    """On the search page: the people a search names, with what they said."""
    request = context.get("request")
    user = getattr(request, "user", None)
    within = topic if isinstance(topic, Topic) else None  # "" when the page has no topic
    return {"found": queries.actors_for_search(query, user, topic=within)}
