"""Why a fetch failed: one error with a code for programs and a reason for curators.

The reasons are translated (the curator's language); ``transient`` says whether trying
again later may succeed (time-outs, HTTP 429 and 5xx, broken connections), with the delay a
site asked for (``Retry-After``) when it gave one.
"""

from __future__ import annotations

import email.utils
import math
from datetime import UTC, datetime

import requests
from django.utils.translation import gettext


class FetchError(Exception):
    """Why a fetch failed: ``code`` for programs, ``reason`` (translated) for curators."""

    def __init__(
        self,
        code: str,
        reason: str,
        *,
        transient: bool = False,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.transient = transient
        self.status = status
        self.retry_after = retry_after

    def __repr__(self) -> str:
        return f"FetchError({self.code!r}, {self.reason!r}, transient={self.transient})"


def timeout_error() -> FetchError:
    reason = gettext("The site took too long to send the page.")
    return FetchError("timeout", reason, transient=True)


def http_error(response: requests.Response) -> FetchError:
    status = response.status_code
    transient = status == 429 or status >= 500
    if status == 429:
        reason = gettext("The site asks Glaneur to slow down (HTTP 429).")
    elif transient:
        reason = gettext("The site could not serve the page for now (HTTP %(status)s).")
    elif status in (404, 410):
        reason = gettext("The page does not exist (HTTP %(status)s): check the address.")
    elif status in (401, 403):
        reason = gettext(
            "The site refused access to the page (HTTP %(status)s); if you can read it in "
            "your browser, scoop it with the bookmarklet."
        )
    else:
        reason = gettext("The site answered HTTP %(status)s instead of the page.")
    delay = retry_after(response.headers.get("Retry-After")) if transient else None
    return FetchError(
        "http_error",
        reason % {"status": status},
        transient=transient,
        status=status,
        retry_after=delay,
    )


def retry_after(value: str | None) -> float | None:
    """Seconds to wait, from a Retry-After header in seconds or as an HTTP date."""
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value.strip())
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    return max(0.0, seconds) if math.isfinite(seconds) else None


def from_transport_error(exc: Exception, *, deadline_passed: bool) -> FetchError:
    if deadline_passed or isinstance(exc, requests.Timeout | TimeoutError):
        return timeout_error()
    if isinstance(exc, requests.exceptions.SSLError):
        reason = gettext("The site's secure connection (TLS certificate) could not be verified.")
        return FetchError("connection", reason)
    reason = gettext("Glaneur could not connect to the site, or the connection broke.")
    return FetchError("connection", reason, transient=True)
