"""The click beacon's address for a post's source link (``<a ping>``)."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import reverse

register = template.Library()


@register.simple_tag
def click_beacon(post_id: int) -> str:
    """The beacon's absolute URL (HTML wants http(s) URLs in ``ping``), from the site's
    address rather than the request: cards are rendered once and shared, without one."""
    return f"{settings.GLANEUR_BASE_URL}{reverse('analytics:click', args=[post_id])}"
