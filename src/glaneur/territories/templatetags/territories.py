"""``{% post_places post %}``: the places a post names, each a link to its topic filtered
by that place (one query)."""

from __future__ import annotations

from typing import Any

from django import template

from glaneur.curation.models import Post

from ..models import PlaceLookup, PostPlace
from ..queries import Lieu
from ..services import places_by_post

register = template.Library()


@register.inclusion_tag("territories/_post_places.html")
def post_places(post: Post) -> dict[str, Any]:
    rows = places_by_post([post.pk]).get(post.pk, [])
    return {
        "topic_url": post.topic.get_absolute_url(),
        "places": [(place, Lieu(place.kind, place.code).param) for place in rows],
    }


@register.inclusion_tag("territories/_edit_places.html", takes_context=True)
def edit_places(context: dict[str, Any], post: Post) -> dict[str, Any]:
    """The places of a post on its edit page, each with a button to drop or restore it,
    a field to add one, and the places typed that the worker is looking up."""
    return {**edit_places_context(post), "csrf_token": context.get("csrf_token")}


def edit_places_context(post: Post) -> dict[str, Any]:
    rows = PostPlace.objects.filter(post=post).order_by("removed", "-weight", "name")
    lookups = list(PlaceLookup.objects.filter(post=post).order_by("created_at"))
    return {
        "post": post,
        "places": list(rows),
        "lookups": lookups,
        "pending": any(lookup.state == PlaceLookup.State.PENDING for lookup in lookups),
    }
