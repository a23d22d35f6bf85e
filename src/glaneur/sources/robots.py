"""robots.txt for the web pages the engine polls (protego), read once per site and kept an
hour in this process. RFC 9309: a robots.txt that does not exist (4xx) allows everything;
one that cannot be read (5xx, no connection) stops the poll, which is tried again later."""

from __future__ import annotations

import threading
import time
from urllib.parse import urlsplit

from django.conf import settings
from protego import Protego

from glaneur.ingest.fetch import fetch
from glaneur.ingest.fetch_errors import FetchError

KEEP_FOR = 3600.0  # seconds a site's rules are kept
MAX_BYTES = 500 * 1024  # Google reads the first 500 KiB
_lock = threading.Lock()
_rules: dict[str, tuple[float, Protego | None]] = {}  # site -> (read at, rules or None)


def _site(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _read(site: str) -> Protego | None:
    try:
        result = fetch(
            f"{site}/robots.txt", accept=("text/plain", "text/html"), max_bytes=MAX_BYTES
        )
    except FetchError as error:
        if error.status is not None and 400 <= error.status < 500 and error.status != 429:
            return None  # no robots.txt: everything is allowed
        raise
    return Protego.parse(result.body.decode(result.charset or "utf-8", "replace"))


def allowed(url: str) -> bool:
    """Whether Glaneur may fetch ``url`` under its site's robots.txt; FetchError when the
    robots.txt could not be read (then nothing is fetched)."""
    site = _site(url)
    now = time.monotonic()
    with _lock:
        cached = _rules.get(site)
    if cached is None or now - cached[0] > KEEP_FOR:
        rules = _read(site)
        with _lock:
            _rules[site] = (now, rules)
    else:
        rules = cached[1]
    return rules is None or bool(rules.can_fetch(url, settings.GLANEUR_USER_AGENT))


def forget() -> None:
    """Forget every site's rules (tests, and a curator's "poll now" after a fix)."""
    with _lock:
        _rules.clear()
