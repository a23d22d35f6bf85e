"""The whole topic page for signed-in readers, rendered once and shared by readers of one kind.

Beyond the cards (cards.py), a signed-in reader's topic page differs from another's by their
kind (role, rescoop menu or not) and a few values of their own: their name in the header, the
CSRF token of its forms, the path the language switch and the pin forms come back to, the
follow button (followed or not, followers), and two counters (views, curators) that change
without the topic's content stamp. So the page is rendered once per topic stamp, language,
filter, page number, host and kind of reader, with *slots* for those parts, and kept in the
fragment cache; each request fills the slots from small partials of the same templates
(the escaping and translations stay theirs) and the cards' placeholders.

Rendering the page's 90 template nodes and 25 URLs cost a signed-in request about a third of
its time (bench/README.md, "Where a signed-in topic page's time goes").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.messages import get_messages
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from glaneur.http import HtmxHttpRequest

from .cards import CSRF, NEXT, Personal, Reader

TEMPLATE = "curation/topic_detail.html"
# What each slot is made of: a partial (or small template) and the context it needs.
SLOTS: dict[str, SafeString] = {
    name: mark_safe(f"<!--glaneur-slot-{name}-->")  # noqa: S308 - a constant
    for name in ("user", "views", "curators", "follow")
}


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
    urlconf = getattr(request, "urlconf", None) or ""  # an organisation's domain: its URLs
    return f"page:{stream_key}:{request.scheme}:{request.get_host()}:{urlconf}:{get_language()}"


def shell_html(request: HtmxHttpRequest, context: Mapping[str, Any]) -> str:
    """The page with slots and placeholders, for every reader of this kind."""
    shared = {
        **context,
        "slots": SLOTS,
        "request": ShellRequest(request),
        "csrf_token": CSRF,
    }
    return get_template(TEMPLATE).render(shared, request=request)


def fill_shell(html: str, request: HtmxHttpRequest, reader: Reader, own: Mapping[str, Any]) -> str:
    """The shared page with this reader's values: the cards' placeholders, then the slots
    (rendered from the page's own partials; a user's text is escaped there, so it can hold
    no slot marker)."""
    personal = Personal(request, reader)
    html = personal.fill(html)
    token = {"csrf_token": SafeString(personal.value(CSRF))}
    parts = {
        "user": ("base.html#user-link", {"user": request.user}),
        "views": (f"{TEMPLATE}#views", own),
        "curators": (f"{TEMPLATE}#curated-by", own),
        "follow": ("audience/follow_button.html", {**own, **token}),
    }
    for name, (template, values) in parts.items():
        html = html.replace(SLOTS[name], get_template(template).render(dict(values)))
    return html
