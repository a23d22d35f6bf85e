"""``{% tag_suggestions post %}``: tags to pick on a post's edit page (checkboxes named
``add_tags``, added to the post's tags only when the curator ticks them)."""

from __future__ import annotations

from typing import Any

from django import template

from glaneur.curation.models import Post

from ..tag_suggestions import suggest_tags

register = template.Library()


@register.inclusion_tag("search/_tag_suggestions.html")
def tag_suggestions(post: Post | str | None) -> dict[str, Any]:
    """Nothing on the new-post page (no post yet: the template passes an empty string)."""
    if not isinstance(post, Post) or not post.pk:
        return {"suggestions": []}
    return {"suggestions": suggest_tags(post)[:6]}
