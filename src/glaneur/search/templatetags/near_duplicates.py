"""``{% near_duplicates post %}``: on a post's edit page, the posts of its topic that tell
the same story (the curator decides: keep both, or drop one)."""

from __future__ import annotations

from typing import Any

from django import template

from glaneur.curation.models import Post

from ..queries import near_duplicates as find

register = template.Library()


@register.inclusion_tag("search/_near_duplicates.html", takes_context=True)
def near_duplicates(context: template.Context, post: Post | str | None) -> dict[str, Any]:
    if not isinstance(post, Post) or not post.pk:
        return {"duplicates": []}
    request = context.get("request")
    return {"duplicates": find(post, getattr(request, "user", None))}
