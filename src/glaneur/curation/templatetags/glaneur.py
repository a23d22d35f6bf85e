from __future__ import annotations

import json
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from glaneur.curation.access import can_view_post
from glaneur.curation.queries import display_name

register = template.Library()

_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def ld_json(data: Any) -> SafeString:
    """A JSON-LD block; <, > and & escaped so the data can never close the script."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(payload.translate(_JSON_SCRIPT_ESCAPES)),  # noqa: S308
    )


@register.filter
def curator_name(user: Any) -> str:
    return display_name(user)


@register.filter
def shown_origin(post: Any, user: Any) -> Any:
    """The post a rescoop was copied from, if the viewer may see it (a private topic's
    title never shows on another topic's card); None otherwise."""
    origin = post.origin
    return origin if origin is not None and can_view_post(user, origin) else None
