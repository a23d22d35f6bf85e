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


@register.simple_tag(takes_context=True)
def shown_origin(context: template.Context, post: Any) -> Any:
    """The post a rescoop was copied from, if the viewer may see it (a private topic's
    title never shows on another topic's card); None otherwise. The viewer's roles are
    looked up once per topic and request, however many cards a page shows."""
    origin = post.origin
    if origin is None:
        return None
    request = context.get("request")
    roles = request.__dict__.setdefault("_glaneur_roles", {}) if request is not None else None
    return origin if can_view_post(context.get("user"), origin, roles=roles) else None
