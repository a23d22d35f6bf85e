"""/api/: the REST API (django-ninja), its schema and docs, and the personal tokens page."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, path, re_path
from django.utils.translation import gettext as _
from django.views.generic import RedirectView

from . import views
from .main import api


def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Unknown /api/ addresses answer in the API's error format, not with an HTML page."""
    return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)


def json_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """django-ninja answers a wrong method in plain text; say it in the API's error format."""

    @wraps(view)  # keeps csrf_exempt: tokens need no CSRF token, the session auth checks it
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            detail = _("This address does not accept the method %(method)s.") % {
                "method": request.method
            }
            allowed = JsonResponse({"detail": detail, "code": "method_not_allowed"}, status=405)
            allowed["Allow"] = response.get("Allow", "")
            return allowed
        return response

    return wrapper


def _api_urls() -> tuple[list[URLPattern | URLResolver], str, str]:
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = json_method_not_allowed(pattern.callback)
    return patterns, app_name, namespace


urlpatterns: list[URLPattern | URLResolver] = [
    path("tokens/", views.tokens, name="api-tokens"),
    path("tokens/<int:token_id>/revoke/", views.revoke, name="api-token-revoke"),
    path("", RedirectView.as_view(pattern_name="api:openapi-view"), name="api-home"),
    path("", _api_urls()),
    re_path(r"^(?P<rest>.*)$", not_found),
]
