"""Reading a web page (or the bookmarklet's copy of it) into an article, and saying how it
went: ingest reads and reports, it never writes a post (curation.pipeline owns the post).

Heavy (trafilatura, pypdf, lxml): imported by the worker only, never by a web process.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

from .extract import Article, BlockedPage, ExtractError, extract
from .fetch import fetch
from .fetch_errors import FetchError

logger = logging.getLogger(__name__)


class Outcome(StrEnum):
    READ = "read"
    FAILED = "failed"  # for good: the page is missing, not an article, refused…
    BLOCKED = "blocked"  # a bot check: the bookmarklet can still send the page
    RETRY = "retry"  # for now: the site is slow, busy, or asked to come back later


@dataclass(frozen=True)
class Reading:
    outcome: Outcome
    article: Article | None = None
    reason: str = ""  # translated, for the curator
    retry_after: float | None = None  # seconds the site asked us to wait (RETRY)


def read_page(url: str, *, copy: str = "") -> Reading:
    """Fetch ``url`` (or take ``copy``, the page as the curator's browser had it) and
    extract its article. Never raises: every failure is an outcome with a reason."""
    try:
        if copy:
            article = extract(copy, url=url)
        else:
            result = fetch(url)
            article = extract(
                result.body,
                url=result.url,
                content_type=result.content_type,
                charset=result.charset,
                status=result.status,
            )
    except BlockedPage as exc:
        return Reading(Outcome.BLOCKED, reason=_blocked_message(exc.reason))
    except FetchError as exc:
        if exc.transient:
            return Reading(Outcome.RETRY, reason=exc.reason, retry_after=exc.retry_after)
        return Reading(Outcome.FAILED, reason=exc.reason)
    except ExtractError as exc:
        return Reading(Outcome.FAILED, reason=exc.reason)
    except Exception:
        # A bug must not leave the post spinning forever: record it, keep the curator's work.
        logger.exception("reading %s failed", url)
        return Reading(Outcome.FAILED, reason=_("Unexpected error while reading the page."))
    return Reading(Outcome.READ, article=article)


def _blocked_message(reason: str) -> str:
    return _(
        "%(reason)s Use the bookmarklet from the page in your browser to send its content."
    ) % {"reason": reason}
