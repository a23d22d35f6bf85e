"""Post cards for signed-in readers, cached and shared by every reader of the same kind.

A card differs between signed-in readers only by what their role lets them do (curator
controls, pin), whether they have topics to rescoop into, and three per-person values: the
CSRF token, the page to come back to after a pin, the options of the rescoop menu. So each
card is rendered once per post, topic stamp (any change in the topic shows at once, as for
the anonymous stream), language and kind of reader, with placeholders for those three values,
then kept in the fragment cache; a page joins its cards and fills the placeholders once.
Thirty cards cost one cache read instead of thirty template renders.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils.html import escape, format_html_join
from django.utils.translation import get_language

from glaneur.cache import fragment_cache
from glaneur.curation.models import Post, Topic
from glaneur.http import HtmxHttpRequest

CSRF = "glaneur-card-csrf-placeholder"
NEXT = "/glaneur-card-next-placeholder/"
OPTIONS = "<!--glaneur-card-rescoop-options-->"
TTL = 3600


@dataclass(frozen=True)
class _SignedIn:
    """What a card asks of ``user``: the same for every signed-in reader."""

    is_authenticated: bool = True


@dataclass(frozen=True)
class Reader:
    can_curate: bool
    can_manage: bool
    rescoop_topics: Sequence[Topic]

    @property
    def kind(self) -> str:
        return f"{int(self.can_curate)}{int(self.can_manage)}{int(bool(self.rescoop_topics))}"


@dataclass(frozen=True)
class Cards:
    html: str  # with the placeholders of the reader's own values (``fill``)
    shareable: bool  # no card was the reader's own: the page may be shared by their kind


def cards_html(
    request: HtmxHttpRequest, posts: Sequence[Post], *, stamp: str, reader: Reader
) -> Cards:
    """The cards of ``posts`` for a signed-in reader, from the shared cache when there."""
    variant = f"{stamp}:{get_language()}:{reader.kind}"
    # A rescoop's card names its origin only to who may see that post (access.py): it is
    # the viewer's own, rendered for them and never shared.
    keys = {post.pk: f"card:{post.pk}:{variant}" for post in posts if not post.origin_id}
    found = fragment_cache.get_many(list(keys.values()))
    template = get_template("curation/_post_card.html")
    made: dict[str, str] = {}
    parts: list[str] = []
    for post in posts:
        roles = {
            "post": post,
            "can_curate": reader.can_curate,
            "can_manage": reader.can_manage,
            "rescoop_topics": reader.rescoop_topics,
        }
        key = keys.get(post.pk)
        if key is None:
            parts.append(template.render(roles, request=request))
            continue
        if key not in found:
            shared = {
                **roles,
                "user": _SignedIn(),
                "rescoop_options": OPTIONS,
                "csrf_token": CSRF,
                "card_next": NEXT,
            }
            found[key] = made[key] = template.render(shared)
        parts.append(found[key])
    if made:
        fragment_cache.set_many(made, TTL)
    return Cards("".join(parts), shareable=len(keys) == len(posts))


def fill(html: str, request: HtmxHttpRequest, reader: Reader) -> str:
    """Put the reader's own token, return path and rescoop menu in shared HTML."""
    return Personal(request, reader).fill(html)


class Personal:
    """The reader's own values, made once per page (a CSRF token is masked anew at each
    ``get_token``: thirty cards must not ask thirty times)."""

    def __init__(self, request: HtmxHttpRequest, reader: Reader) -> None:
        self.request = request
        self.reader = reader
        self._values: dict[str, str] = {}

    def value(self, placeholder: str) -> str:
        if placeholder not in self._values:
            if placeholder == CSRF:
                value = escape(get_token(self.request))
            elif placeholder == NEXT:
                value = escape(self.request.get_full_path())
            else:
                value = format_html_join(
                    "",
                    '<option value="{}">{}</option>',
                    ((t.pk, t.title) for t in self.reader.rescoop_topics),
                )
            self._values[placeholder] = str(value)
        return self._values[placeholder]

    def fill(self, html: str) -> str:
        for placeholder in (CSRF, NEXT, OPTIONS):
            if placeholder in html:
                html = html.replace(placeholder, self.value(placeholder))
        return html
