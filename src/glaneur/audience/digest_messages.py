"""A digest's message: its reader, its sections (a topic's new posts), its rendering.

`digests` decides who gets a digest and which posts it lists; this module turns that into
the message, rendering each topic's section once per language for all its followers.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import ngettext, override

from glaneur.curation.models import Post, Topic

from . import mail
from .models import Digest


@dataclass
class Section:
    topic_id: int
    post_ids: list[int]
    more: int = 0


@dataclass
class Recipient:
    user_id: int
    email: str
    name: str
    language: str


@dataclass
class Prepared:
    digest: Digest
    recipient: Recipient
    sections: list[Section] = field(default_factory=list)


class Renderer:
    """Renders digests with Django's templates, but not once per reader: a topic's
    section is rendered once per language and post list (every follower of a topic
    usually gets the same one, kept in a bounded cache), the frame around the sections
    once per language and post count; a reader's message only fills them in."""

    CACHE_SIZE = 512

    def __init__(self) -> None:
        self.sections: OrderedDict[tuple[Any, ...], tuple[str, str, int]] = OrderedDict()
        self.frames: dict[tuple[str, int], mail.Rendered] = {}
        self.lock = threading.Lock()
        self.manage_url = mail.absolute_url(reverse("audience:subscriptions"))

    def section(self, section: Section, language: str) -> tuple[str, str, int]:
        key = (section.topic_id, language, tuple(section.post_ids), section.more)
        with self.lock:  # senders may share the renderer (GLANEUR_MAIL_CONNECTIONS > 1)
            cached = self.sections.get(key)
            if cached is not None:
                self.sections.move_to_end(key)
                return cached
        topic = Topic.objects.only("pk", "slug", "title").get(pk=section.topic_id)
        posts = list(
            Post.objects.filter(pk__in=section.post_ids, status=Post.Status.PUBLISHED)
            .order_by("-curated_at", "-id")
            .only("pk", "slug", "title", "url", "site_name", "insight", "summary", "topic_id")
        )
        items = []
        for post in posts:
            post.topic = topic
            items.append(
                {
                    "title": post.title,
                    "url": mail.absolute_url(post.get_absolute_url()),
                    "source": post.site_name or _host(post.url),
                    "excerpt": Truncator(post.insight or post.summary).chars(300),
                }
            )
        context = {
            "topic": topic,
            "topic_url": mail.absolute_url(topic.get_absolute_url()),
            "items": items,
            "more": section.more,
        }
        with override(language):
            text = render_to_string("audience/email/_digest_section.txt", context)
            html = render_to_string("audience/email/_digest_section.html", context)
        value = (text, html, len(items))
        with self.lock:
            self.sections[key] = value
            if len(self.sections) > self.CACHE_SIZE:
                self.sections.popitem(last=False)
        return value

    def frame(self, language: str, count: int) -> mail.Rendered:
        """The message around the sections, with slots for what differs per reader: it
        depends only on the language and the number of posts."""
        key = (language, count)
        if key not in self.frames:
            with override(language):
                subject = ngettext(
                    "%(count)d new post in the topics you follow",
                    "%(count)d new posts in the topics you follow",
                    count,
                ) % {"count": count}
            context = {
                "subject": subject,
                "name": _slot("name"),
                "count": count,
                "text_sections": _slot("sections"),
                "html_sections": mark_safe(_slot("sections")),  # noqa: S308 - a marker
                "manage_url": self.manage_url,
                "unsubscribe_url": _slot("unsubscribe"),
                "site_name": settings.GLANEUR_SITE_NAME,
            }
            self.frames[key] = mail.render("audience/email/digest", context, language=language)
        return self.frames[key]

    def message(self, item: Prepared) -> EmailMultiAlternatives:
        language = item.recipient.language
        parts = [self.section(s, language) for s in item.sections]
        parts = [p for p in parts if p[2]]
        frame = self.frame(language, sum(p[2] for p in parts))
        token = mail.unsubscribe_token("digest", item.recipient.user_id)
        unsubscribe_url = mail.absolute_url(reverse("audience:unsubscribe", args=[token]))
        name = item.recipient.name
        text = _fill(
            frame.text,
            name=name,
            unsubscribe=unsubscribe_url,
            sections="\n".join(p[0] for p in parts),
        )
        html = _fill(
            frame.html,
            name=escape(name),
            unsubscribe=escape(unsubscribe_url),
            sections="".join(p[1] for p in parts),
        )
        return mail.build_message(
            mail.Rendered(frame.subject, text, html),
            item.recipient.email,
            language=language,
            headers=mail.list_headers(unsubscribe_url),
        )


_SLOT = re.compile("\x00glaneur:(\\w+)\x00")


def _slot(name: str) -> str:
    return f"\x00glaneur:{name}\x00"


def _fill(frame: str, **values: str) -> str:
    """One pass, so that nothing a reader wrote can be taken for a slot."""
    return _SLOT.sub(lambda match: values[match.group(1)], frame)


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")
