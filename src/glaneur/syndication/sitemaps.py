"""Search engines: robots.txt, and sitemaps (https://www.sitemaps.org/protocol.html) of
public content only: an index of one sitemap per listed topic (its page and its published
posts, with lastmod), plus one for the home page.

What is listed is decided by access.py, as for an anonymous reader's lists: listed
(public) topics, the posts anyone may see in them. Unlisted and private topics, drafts and
scheduled posts are never named here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from glaneur.curation import access
from glaneur.curation.models import Post, Topic, post_path

# The protocol allows 50,000 URLs per sitemap: posts per page, the topic's page aside.
POSTS_PER_SITEMAP = 45_000
XML = "application/xml; charset=utf-8"

# Paths robots need not crawl: the API, accounts, curators' and members' pages, searches,
# frames and beacons. RFC 9309: "*" matches any characters, "/" included.
DISALLOWED = (
    "/admin/",
    "/api/",
    "/accounts/",
    "/i18n/",
    "/search/",
    "/topic/*/search/",
    "/scoop/",
    "/topic/new/",
    "/topic/*/edit/",
    "/topic/*/drafts/",
    "/topic/*/post/new/",
    "/topic/*/p/*/edit/",
    "/topic/*/p/*/delete/",
    "/topic/*/p/*/rescoop/",
    "/topic/*/suggestions/",
    "/topic/*/suggest/",
    "/topic/*/transfer/",
    "/topic/*/import/",
    "/topic/*/export/",
    "/topic/*/newsletter/manage/",
    "/topic/*/followers/remote/",
    "/topic/*/embed/",
    "/click/",
    "/following/",
    "/settings/",
    "/suggestions/",
    "/tokens/",
    "/mail/",
)


@dataclass(frozen=True)
class Entry:
    loc: str
    lastmod: datetime | None


def _lastmod(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value is not None else ""


def _base(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _xml(request: HttpRequest, template: str, entries: list[Entry]) -> HttpResponse:
    rows = [(entry.loc, _lastmod(entry.lastmod)) for entry in entries]
    return render(request, template, {"entries": rows}, content_type=XML)


@require_safe
def sitemap_index(request: HttpRequest) -> HttpResponse:
    """One sitemap per listed topic (more for a topic past 45,000 posts), in two queries."""
    base = _base(request)
    posts = (
        Post.objects.filter(access.visible_posts(None))
        .filter(access.listed_topics(None, prefix="topic__"))
        .values("topic_id")
        .annotate(last=Max("updated_at"), n=Count("id"))
        .values_list("topic_id", "last", "n")
    )
    by_topic = {topic_id: (last, n) for topic_id, last, n in posts}
    latest = max((last for last, _n in by_topic.values()), default=None)
    entries = [Entry(f"{base}{reverse('syndication:sitemap-home')}", latest)]
    topics = Topic.objects.filter(access.listed_topics(None)).order_by("slug")
    for topic in topics.only("pk", "slug", "content_changed_at"):
        last, count = by_topic.get(topic.pk, (None, 0))
        lastmod = max(filter(None, (last, topic.content_changed_at)))
        path = reverse("syndication:topic-sitemap", args=[topic.slug])
        for page in range(1, max(1, math.ceil(count / POSTS_PER_SITEMAP)) + 1):
            suffix = f"?p={page}" if page > 1 else ""
            entries.append(Entry(f"{base}{path}{suffix}", lastmod))
    return _xml(request, "syndication/sitemap_index.xml", entries)


@require_safe
def home_sitemap(request: HttpRequest) -> HttpResponse:
    """The home page, modified when a listed topic last published."""
    latest = (
        Post.objects.filter(access.visible_posts(None))
        .filter(access.listed_topics(None, prefix="topic__"))
        .aggregate(last=Max("updated_at"))["last"]
    )
    return _xml(request, "syndication/sitemap.xml", [Entry(f"{_base(request)}/", latest)])


@require_safe
def topic_sitemap(request: HttpRequest, slug: str) -> HttpResponse:
    """A listed topic's page and its published posts, newest first (``?p=`` past 45,000)."""
    topic = Topic.objects.filter(access.listed_topics(None)).filter(slug=slug).first()
    page = request.GET.get("p", "1")
    if topic is None or not page.isdigit() or int(page) < 1:
        raise Http404
    start = (int(page) - 1) * POSTS_PER_SITEMAP
    rows = list(
        Post.objects.filter(topic=topic)
        .filter(access.visible_posts_in(topic, None))
        .order_by("-curated_at", "-id")
        .values_list("pk", "slug", "updated_at")[start : start + POSTS_PER_SITEMAP]
    )
    if not rows and start:
        raise Http404
    base = _base(request)
    entries = []
    if start == 0:
        last = max((updated for _pk, _slug, updated in rows), default=None)
        lastmod = max(filter(None, (last, topic.content_changed_at)))
        entries.append(Entry(f"{base}{topic.get_absolute_url()}", lastmod))
    entries += [
        Entry(f"{base}{post_path(topic.slug, pk, post_slug)}", updated)
        for pk, post_slug, updated in rows
    ]
    return _xml(request, "syndication/sitemap.xml", entries)


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Public pages open to robots, the rest closed (DISALLOWED), and where the sitemap is."""
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {path}" for path in DISALLOWED]
    lines += ["", f"Sitemap: {_base(request)}{reverse('syndication:sitemap-index')}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
