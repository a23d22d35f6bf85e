"""Host routing: the main site, an organisation's verified custom domain, or 400.

Django refuses a Host outside ALLOWED_HOSTS wherever ``request.get_host()`` is called; this
middleware, first in the list, keeps that guarantee for every request: a verified custom
domain is accepted for this request only (its ``get_host`` returns the checked host), any
other host goes through Django's own check, which raises DisallowedHost (400). A host of
ALLOWED_HOSTS is never looked up (no query on the main host, ever); the set of verified
hosts is held in the process (``hosts``), loaded once per GLANEUR_DOMAIN_CACHE_SECONDS.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import split_domain_port, validate_host

from . import hosts
from .models import Organisation, OrganisationTopic

TOPIC_PATH = re.compile(r"/topic/([^/]+)/")
ORGANISATION_PATH = re.compile(r"/o/([^/]+)/")
# Not served on a custom domain: the site's administration and its API stay on the main host.
MAIN_HOST_ONLY = ("/admin/", "/api/", "/_glaneur/")
DOMAIN_URLCONF = "glaneur.organisations.domain_urls"


class HostRoutingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw_host = _raw_host(request)
        domain, _port = split_domain_port(raw_host)
        organisation_id = None
        if domain and not validate_host(domain, _main_hosts()):
            organisation_id = hosts.organisation_for(domain)
        if organisation_id is None:
            request.get_host()  # Django's check: an unknown host raises DisallowedHost (400).
            return self.get_response(request)
        request.get_host = lambda: raw_host  # type: ignore[method-assign]
        request.organisation_id = organisation_id  # type: ignore[attr-defined]
        request.urlconf = DOMAIN_URLCONF  # type: ignore[attr-defined]
        check_domain_path(organisation_id, request.path_info)
        return self.get_response(request)


def _main_hosts() -> list[str]:
    """ALLOWED_HOSTS as Django reads them, without "*" (which would take every custom
    domain for the main site): these hosts never cost a look-up."""
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    return [host for host in allowed if host != "*"]


def _raw_host(request: HttpRequest) -> str:
    """The Host as Django reads it before validating it (HttpRequest._get_raw_host)."""
    meta = request.META
    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in meta:
        return str(meta["HTTP_X_FORWARDED_HOST"])
    if "HTTP_HOST" in meta:
        return str(meta["HTTP_HOST"])
    host, port = str(meta.get("SERVER_NAME", "")), str(meta.get("SERVER_PORT", ""))
    secure = request.is_secure()
    return host if port == ("443" if secure else "80") else f"{host}:{port}"


def check_domain_path(organisation_id: int, path: str) -> None:
    """Raise Http404 for a path a custom domain does not serve: another organisation's
    topic or page, the administration, the API."""
    if path.startswith(MAIN_HOST_ONLY):
        raise Http404
    if (match := TOPIC_PATH.match(path)) and not OrganisationTopic.objects.filter(
        organisation_id=organisation_id, topic__slug=match[1]
    ).exists():
        raise Http404
    if (match := ORGANISATION_PATH.match(path)) and not Organisation.objects.filter(
        pk=organisation_id, slug=match[1]
    ).exists():
        raise Http404
