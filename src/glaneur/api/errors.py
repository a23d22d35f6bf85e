"""Every API error is JSON: ``{"detail": message, "code": machine-readable code, …}``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core import signals
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from glaneur.audience.services import RateLimited
from glaneur.curation.services import DuplicatePost, InvalidURL

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("glaneur.api")


class FieldError(Schema):
    field: str
    message: str


class ExistingPost(Schema):
    id: int
    url: str
    pageUrl: str


class ErrorOut(Schema):
    detail: str
    code: str
    errors: list[FieldError] | None = None
    existing: ExistingPost | None = None


class ApiError(Exception):
    """An error with its HTTP status and code, raised by the API's own checks."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The ``response=`` entries documenting the error statuses an operation may answer."""
    return dict.fromkeys(statuses, ErrorOut)


def _json(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, detail: str, **extra: Any
) -> HttpResponse:
    body: dict[str, Any] = {"detail": detail, "code": code}
    body.update({key: value for key, value in extra.items() if value is not None})
    return api.create_response(request, body, status=status)


def _django_errors(exc: DjangoValidationError) -> list[dict[str, str]]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": "", "message": message} for message in exc.messages]


def _field_name(loc: tuple[Any, ...]) -> str:
    """("body", "payload", "tags", 0) -> "tags.0"; ("query", "page") -> "page"."""
    parts = loc[2:] if loc[:1] == ("body",) else loc[1:]
    return ".".join(str(part) for part in parts)


HTTP_CODES = {400: "bad_request", 401: "not_authenticated", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 429: "rate_limited"}  # fmt: skip


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace django-ninja's handlers so that every error has a message and a code."""

    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        response = _json(api, request, exc.status, exc.code, exc.detail)
        if exc.status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    def not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = _json(
            api, request, 401, "not_authenticated",
            _("Log in, or send a personal token: Authorization: Bearer <token>."),
        )  # fmt: skip
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = HTTP_CODES.get(exc.status_code, "error")
        return _json(api, request, exc.status_code, code, str(exc))

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _json(api, request, 404, "not_found", _("Not found."))

    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        detail = str(exc) or _("You may not do this.")
        return _json(api, request, 403, "permission_denied", detail)

    def invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {
                "field": _field_name(tuple(error.get("loc", ()))),
                "message": str(error.get("msg", "")),
            }
            for error in exc.errors
        ]
        return _json(
            api, request, 422, "invalid", _("Some values are missing or wrong."), errors=errors
        )

    def invalid_value(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        errors = _django_errors(exc)
        detail = " ".join(error["message"] for error in errors) or _("Invalid value.")
        return _json(api, request, 422, "invalid", detail, errors=errors)

    def invalid_url(request: HttpRequest, exc: InvalidURL) -> HttpResponse:
        errors = _django_errors(exc)
        return _json(
            api, request, 422, "invalid_url", " ".join(e["message"] for e in errors), errors=errors
        )

    def duplicate(request: HttpRequest, exc: DuplicatePost) -> HttpResponse:
        post = exc.existing
        existing = {
            "id": post.pk,
            "url": post.url,
            "pageUrl": request.build_absolute_uri(post.get_absolute_url()),
        }
        return _json(api, request, 409, "duplicate", exc.messages[0], existing=existing)

    def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
        return _json(api, request, 429, "rate_limited", " ".join(exc.messages))

    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.error("API error on %s %s", request.method, request.path, exc_info=exc)
        # The test client re-raises what this signal reports, so tests still see tracebacks.
        signals.got_request_exception.send(sender=None, request=request)
        return _json(api, request, 500, "server_error", _("Server error; it has been logged."))

    handlers: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
        (ApiError, api_error),
        (AuthenticationError, not_authenticated),
        (HttpError, http_error),
        (Http404, not_found),
        (PermissionDenied, forbidden),
        (NinjaValidationError, invalid_input),
        (DjangoValidationError, invalid_value),
        (InvalidURL, invalid_url),
        (DuplicatePost, duplicate),
        (RateLimited, rate_limited),
        (Exception, server_error),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)
