"""Who is calling: a personal token (``Authorization: Bearer …``) or the browser's session.

Token requests carry no cookies to forge, so only session requests go through the CSRF
check, as Django's forms do. Read endpoints also admit anonymous callers.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from .errors import ApiError
from .services import user_for_token


class TokenAuth(HttpBearer):
    """A personal token created on /api/tokens/."""

    openapi_description = "Authorization: Bearer <token> (personal tokens: /api/tokens/)"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token.strip())
        if user is None:
            # A wrong token is an error, not a silent fall back to anonymous access.
            raise ApiError(401, "invalid_token", _("This API token is unknown or was revoked."))
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser's login session; changes must carry the CSRF token (X-CSRFToken)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not request.user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise ApiError(403, "csrf_failed", _("The CSRF token is missing or wrong."))
        return request.user


def anonymous(request: HttpRequest) -> Any:
    """Last in the chain of read endpoints: nobody signed in is still a reader."""
    if request.headers.get("Authorization"):
        # An Authorization header other than Bearer: say so rather than ignore it.
        raise ApiError(401, "invalid_token", _("Use the header Authorization: Bearer <token>."))
    return AnonymousUser()


token_auth = TokenAuth()
session_auth = SessionAuth()
REQUIRED = [token_auth, session_auth]
OPTIONAL = [token_auth, session_auth, anonymous]


def open_to_all() -> dict[str, Any]:
    """Keyword arguments of a read endpoint: anyone may call it, a token or session is optional
    (the empty requirement ``{}`` tells OpenAPI clients so)."""
    return {"auth": OPTIONAL, "openapi_extra": {"security": [{}]}}
