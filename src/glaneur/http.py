"""Request types shared by the views."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def safe_next(request: HttpRequest, fallback: str, *, field: str = "next") -> str:
    """Where to go back to after a form: the ``next`` the request carries if it stays on
    this site (a path, or an address of this host), else ``fallback``; never off-site
    (``https://elsewhere``, ``//elsewhere``, ``/\\elsewhere``)."""
    target = request.POST.get(field) or request.GET.get(field) or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
