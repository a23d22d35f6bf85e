"""Page copies sent by the bookmarklet, kept until the scoop form that carries their token
is saved (a paywall, a JavaScript page, a bot check: the curator's browser saw the page).

Light on purpose: the web process imports it, never the extraction code.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Func, IntegerField, Sum
from django.utils import timezone

from .models import PageCapture

CAPTURE_MAX_CHARS = 5 * 1024 * 1024
CAPTURE_TTL = timedelta(hours=1)


class CaptureStoreFull(Exception):
    """The page copies waiting for a curator already fill GLANEUR_CAPTURE_STORE_MAX_BYTES."""


class _OctetLength(Func):
    function = "OCTET_LENGTH"
    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # SQLite < 3.43 has no octet_length(); a blob's length is its size in bytes.
        return self.as_sql(compiler, connection, template="LENGTH(CAST(%(expressions)s AS BLOB))")


def store_capture(*, url: str, title: str = "", selection: str = "", html: str = "") -> str:
    """Keep a page copy sent by the bookmarklet; returns the token the scoop form carries.

    Raises CaptureStoreFull when the copies not yet claimed (an hour's worth at most) would
    pass GLANEUR_CAPTURE_STORE_MAX_BYTES with this one.
    """
    PageCapture.objects.filter(created_at__lt=timezone.now() - CAPTURE_TTL, post=None).delete()
    html = html[:CAPTURE_MAX_CHARS]
    waiting = PageCapture.objects.filter(post=None).aggregate(size=Sum(_OctetLength("html")))
    if (waiting["size"] or 0) + len(html.encode()) > settings.GLANEUR_CAPTURE_STORE_MAX_BYTES:
        raise CaptureStoreFull
    token = secrets.token_urlsafe(32)
    PageCapture.objects.create(
        token=token,
        url=url[:2000],
        title=title[:500],
        selection=selection[:10_000],
        html=html,
    )
    return token


def attach_capture(post_id: int, token: str) -> None:
    """Give the post the page copy this token names (if fresh and not claimed)."""
    fresh = timezone.now() - CAPTURE_TTL
    PageCapture.objects.filter(token=token, post=None, created_at__gte=fresh).update(
        post_id=post_id
    )
