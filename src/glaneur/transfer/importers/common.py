"""Helpers the parsers share: decoding, dates, URLs, keys, JSON checks."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext as _

from ..errors import ImportFailed
from .library_errors import json_error

_url_validator = URLValidator(schemes=["http", "https"])
MAX_KEY = 255


def decode_text(data: bytes) -> tuple[str, str]:
    """The file as text and the encoding used: UTF-8 (with or without BOM), else Windows-1252."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        # French spreadsheets and old browsers write Windows-1252; it decodes any byte.
        return data.decode("cp1252", errors="replace"), "cp1252"


def load_json(data: bytes) -> Any:
    text, _encoding = decode_text(data)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed(json_error(exc.msg), line=exc.lineno) from None
    except RecursionError as exc:
        raise ImportFailed(_("the JSON is nested too deeply")) from exc


def web_url(value: str) -> str | None:
    """The URL if it is an absolute http(s) address we accept, else None."""
    value = value.strip()
    if not value or len(value) > 2000:
        return None
    try:
        _url_validator(value)
    except ValidationError:
        return None
    return value


def require_url(value: str, *, item: int | None = None, line: int | None = None) -> str:
    url = web_url(value)
    if url is None:
        raise ImportFailed(
            _("%(url)r is not a web address (http:// or https://)") % {"url": value[:200]},
            item=item,
            line=line,
        )
    return url


def make_key(prefix: str, raw: str) -> str:
    """An import key from a source id (kept as it is without a prefix); long ids are hashed."""
    raw = raw.strip()
    if not raw:
        return ""
    key = f"{prefix}:{raw}" if prefix else raw
    if len(key) <= MAX_KEY:
        return key
    return f"{prefix or 'key'}:sha256:{hashlib.sha256(raw.encode()).hexdigest()}"


def site_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def from_timestamp(value: float) -> datetime:
    """Seconds, milliseconds or microseconds since 1970 (tools disagree), as UTC."""
    if abs(value) > 1e14:
        value /= 1_000_000
    elif abs(value) > 1e11:
        value /= 1000
    return datetime.fromtimestamp(value, tz=UTC)


_DMY = re.compile(
    r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"
    r"(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
)


def parse_when(value: str) -> datetime | None:
    """ISO 8601 (date or date-time), DD/MM/YYYY [HH:MM], or a Unix timestamp; None if unreadable.

    A date without a time zone is read in the site's zone (TIME_ZONE).
    """
    value = value.strip()
    if re.fullmatch(r"-?\d{9,17}(?:\.\d+)?", value):
        try:
            return from_timestamp(float(value))
        except (OverflowError, OSError, ValueError):
            return None
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        m = _DMY.fullmatch(value)
        if m:
            try:
                parsed = datetime(
                    int(m["y"]), int(m["m"]), int(m["d"]),
                    int(m["H"] or 0), int(m["M"] or 0), int(m["S"] or 0),
                )  # fmt: skip
            except ValueError:
                return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=site_zone())
    return parsed


def parse_day_counts(
    value: Any, *, what: str, item: int | None = None, line: int | None = None
) -> dict[date, int]:
    """{"2024-05-01": 12, …} as dates and non-negative counts."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ImportFailed(
            _("%(what)s must be an object of days and counts") % {"what": what},
            item=item,
            line=line,
        )
    days: dict[date, int] = {}
    for raw_day, count in value.items():
        try:
            day = date.fromisoformat(str(raw_day))
        except ValueError:
            day = None
        if day is None or not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise ImportFailed(
                _("%(what)s: %(day)r: %(count)r is not a day (YYYY-MM-DD) and a count")
                % {"what": what, "day": raw_day, "count": count},
                item=item,
                line=line,
            )
        days[day] = count
    return days


def one_line(value: Any) -> str:
    """A text on one line, spaces collapsed (titles and names from other tools). A post's
    fields are cut to their columns by the one post rule (``curation.posts.shape_post``)."""
    return " ".join(str(value or "").split())


def fit(model: type[models.Model], name: str, value: Any) -> str:
    """A one-line text cut to the size of ``model.name`` (topics, accounts, comments)."""
    limit = getattr(model._meta.get_field(name), "max_length", None)
    return one_line(value)[:limit] if limit else one_line(value)
