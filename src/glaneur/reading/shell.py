"""The whole topic page, rendered once and shared by every reader of one kind.

Beyond the cards (cards.py), one reader's topic page differs from another's by their kind
(anonymous, or signed in with a role and a rescoop menu or not) and a few values of their own:
their name in the header (or the log-in link back to this page), the CSRF token of its forms,
the path the language switch and the pin forms come back to, the follow button (followed or
not, followers), and two things that change without the topic's content stamp (its views, its
curators). So the page is rendered once per topic stamp, filter, page number, language, host
and kind of reader, with *slots* for those parts, and kept in the fragment cache; each request
fills the slots from partials of the same templates (their escaping and translations) and the
cards' placeholders.

Rendering the page's template nodes and URLs cost a signed-in request about a third of its
time (bench/README.md, "Where a signed-in topic page's time goes").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.contrib.messages import get_messages
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from glaneur.http import HtmxHttpRequest

from .cards import CSRF, NEXT, Personal, Reader

TEMPLATE = "curation/topic_detail.html"
SLOTS: dict[str, SafeString] = {
    name: mark_safe(f"<!--glaneur-slot-{name}-->")  # noqa: S308 - a constant
    for name in ("user", "login", "views", "curators", "follow")
}


@dataclass(frozen=True)
class Own:
    """What the topic page shows of this request's own: the reader's follow state and the
    counters that move without the topic's content stamp."""

    slug: str
    views_total: int
    views_today: int
    curators: tuple[str, ...]
    following: bool
    follower_count: int


class ShellRequest:
    """The request as the shared render sees it: its own path is a placeholder (the language
    switch's ``next``), the rest is the request's (scheme and host are part of the key)."""

    def __init__(self, request: HtmxHttpRequest) -> None:
        self._request = request

    def get_full_path(self) -> str:
        return NEXT

    def __getattr__(self, name: str) -> Any:
        return getattr(self._request, name)


def shell_key(request: HtmxHttpRequest, *, stream_key: str) -> str | None:
    """The cache key of the page shared by this reader's kind, or None when this request's
    page is their own: a search term in the header box, a page "number" that is not one, or
    messages waiting to be shown (they are shown once, to them)."""
    raw_page = request.GET.get("page", "")
    if "q" in request.GET or (raw_page and not raw_page.isdigit()):
        return None
    if len(get_messages(request)):
        return None
    who = "signed-in" if request.user.is_authenticated else "anonymous"
    return (
        f"page:{who}:{stream_key}:{request.scheme}:{request.get_host()}:"
        f"{get_urlconf() or ''}:{get_script_prefix()}:{get_language()}"
    )


def shell_html(request: HtmxHttpRequest, context: Mapping[str, Any]) -> str:
    """The page with slots and placeholders, for every reader of this kind."""
    shared = {
        **context,
        "slots": SLOTS,
        "request": ShellRequest(request),
        "csrf_token": CSRF,
    }
    return get_template(TEMPLATE).render(shared, request=request)


@dataclass(frozen=True)
class _Person:
    """The reader as the header's link names them (base.html#user-link)."""

    username: str
    full_name: str

    def get_full_name(self) -> str:
        return self.full_name


@dataclass(frozen=True)
class _TopicRef:
    slug: str


@lru_cache(maxsize=2048)
def _render(
    template: str, _language: str, _urlconf: str, _prefix: str, values: tuple[tuple[str, Any], ...]
) -> str:
    """A slot's HTML: a function of its values, the language and the URLs (all in the key)."""
    return str(get_template(template).render(dict(values)))


def _slot(template: str, **values: Any) -> str:
    key = (get_language() or "", str(get_urlconf() or ""), get_script_prefix())
    return _render(template, *key, tuple(sorted(values.items())))


def fill_shell(html: str, request: HtmxHttpRequest, reader: Reader, own: Own) -> str:
    """The shared page with this reader's values: the cards' placeholders, then the slots
    (a person's text is escaped there, so it can hold no slot marker)."""
    personal = Personal(request, reader)
    html = personal.fill(html)
    user = request.user
    if user.is_authenticated:
        person = _Person(user.get_username(), user.get_full_name())
        html = html.replace(SLOTS["user"], _slot("base.html#user-link", user=person))
    else:
        login = get_template("base.html#login-link").render({"request": request})
        html = html.replace(SLOTS["login"], login)
    views = get_template(f"{TEMPLATE}#views").render(
        {"views_total": own.views_total, "views_today": own.views_today}
    )
    curators = _slot(f"{TEMPLATE}#curated-by", curators=own.curators)
    follow = _slot(
        "audience/follow_button.html",
        topic=_TopicRef(own.slug),
        following=own.following,
        follower_count=own.follower_count,
        csrf_token=CSRF,
    )
    html = html.replace(SLOTS["views"], views).replace(SLOTS["curators"], curators)
    return html.replace(SLOTS["follow"], follow.replace(CSRF, personal.value(CSRF)))
