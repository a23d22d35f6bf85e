"""``{% post_places post %}``: the places a post names, each a link to its topic filtered
by that place (one query)."""

from __future__ import annotations

from typing import Any

from django import template

from glaneur.curation.models import Post

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
