"""When a source is polled next: the feed's own hints (ttl, max-age, Expires) clamped to
5 minutes–24 hours, Retry-After honoured, exponential backoff on errors capped at a week;
and the claim that lets one worker alone poll a source."""

from __future__ import annotations

from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from django.utils import timezone

from .models import Source

MIN_INTERVAL = timedelta(minutes=5)
MAX_INTERVAL = timedelta(hours=24)
MAX_BACKOFF = timedelta(days=7)
CLAIM_FOR = timedelta(minutes=10)


def clamp(interval: timedelta) -> timedelta:
    return max(MIN_INTERVAL, min(MAX_INTERVAL, interval))


def _http_date(value: str) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.get_current_timezone())


def interval_from(
    headers: dict[str, str], ttl_minutes: int | None, default: timedelta, now: datetime
) -> timedelta:
    """The next interval: Cache-Control max-age, else Expires, else the feed's ttl, else
    the default; always clamped."""
    lowered = {k.lower(): v for k, v in headers.items()}
    for part in lowered.get("cache-control", "").split(","):
        name, _, value = part.strip().partition("=")
        if name.lower() == "max-age" and value.strip().isdigit():
            return clamp(timedelta(seconds=int(value.strip())))
    expires = _http_date(lowered.get("expires", ""))
    if expires is not None:
        return clamp(expires - now)
    if ttl_minutes:
        return clamp(timedelta(minutes=ttl_minutes))
    return clamp(default)


def retry_after(value: str, now: datetime) -> datetime | None:
    """Retry-After as seconds or as an HTTP date; capped at a week."""
    value = value.strip()
    if value.isdigit():
        when = now + timedelta(seconds=int(value))
    else:
        parsed = _http_date(value)
        if parsed is None:
            return None
        when = parsed
    return min(when, now + MAX_BACKOFF)


def backoff(error_count: int, base: timedelta = MIN_INTERVAL) -> timedelta:
    """base·2^(errors-1), capped at a week."""
    if error_count <= 0:
        return base
    return min(base * (2 ** min(error_count - 1, 20)), MAX_BACKOFF)


def claim(source_id: int, now: datetime | None = None, *, force: bool = False) -> bool:
    """Claim a due source with one conditional UPDATE (works the same on SQLite and
    PostgreSQL): only the worker whose UPDATE matched polls it. ``force``: due or not, but
    never before the site's Retry-After nor while another worker holds it. A worker that
    dies holding a claim loses it after CLAIM_FOR."""
    now = now or timezone.now()
    due = Source.objects.filter(pk=source_id)
    if not force:
        due = due.filter(next_poll_at__lte=now)
    updated = (
        due.exclude(claimed_until__gt=now)
        .exclude(retry_after_until__gt=now)
        .update(claimed_until=now + CLAIM_FOR)
    )
    return updated == 1
