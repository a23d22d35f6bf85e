"""What every feed format shows, built once: RSS, Atom and JSON Feed only serialise it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from glaneur.curation import access
from glaneur.curation.models import Post, Tag, Topic, post_path
from glaneur.curation.queries import display_name, filter_by_tags, with_card_data

from .models import PublishedEntryId

FEED_LENGTH = 30
FORMATS = ("rss", "atom", "json")

# Turns a path into an absolute URL; views pass request.build_absolute_uri.
Absolutise = Callable[[str], str]


@dataclass(frozen=True)
class FeedEntry:
    guid: str  # permanent: entry_id_path(), never the title
    link: str
    external_url: str
    title: str
    summary: str
    content_html: SafeString
    image_url: str
    author_name: str
    published: datetime
    updated: datetime
    categories: list[str]


@dataclass(frozen=True)
class TopicFeed:
    topic: Topic
    tag: Tag | None
    title: str
    description: str
    language: str
    home_url: str
    author_name: str
    feed_urls: dict[str, str]
    entries: list[FeedEntry]


def feed_topic(slug: str) -> Topic:
    """The topic of a feed. A feed is read by nobody in particular (a poller, an
    aggregator): it shows what an anonymous reader sees (access.py), so a private topic
    has none, whoever asks.

    Raises Topic.DoesNotExist, which the views turn into a 404.
    """
    return Topic.objects.filter(access.visible_topics(None)).select_related("owner").get(slug=slug)


def feed_posts(topic: Topic, tag: Tag | None = None) -> QuerySet[Post]:
    """The latest published posts, newest first: pinning orders pages, not feeds."""
    posts = Post.objects.filter(topic=topic).filter(access.visible_posts_in(topic, None))
    if tag is not None:
        posts = filter_by_tags(posts, [tag.slug])
    return (
        with_card_data(posts)
        .select_related("published_entry_id")
        .order_by("-curated_at", "-id")[:FEED_LENGTH]
    )


def entry_id_path(post: Post) -> str:
    """The path of a post's feed entry id (RSS guid, Atom id, JSON Feed id), which no
    retitle changes: the id-only URL of the post page (its slug left out, it redirects to
    the page), or, for a post published before, the URL its entries were published with
    (PublishedEntryId), so feed readers show it once.
    """
    try:
        return post.published_entry_id.path
    except PublishedEntryId.DoesNotExist:
        return post_path(post.topic.slug, post.pk, "")


def _is_web_url(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def entry_content(post: Post) -> SafeString:
    """Summary (plain text, escaped), then the curator's insight, then a link to the source."""
    parts: list[SafeString] = []
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", post.summary) if p.strip()]
    if paragraphs:
        parts.append(format_html_join("\n", "<p>{}</p>", ((p,) for p in paragraphs)))
    if post.insight_html:
        # insight_html was sanitised by nh3 when it was saved (curation.markup).
        insight = mark_safe(post.insight_html)  # noqa: S308
        parts.append(format_html("<blockquote>{}</blockquote>", insight))
    if post.url and _is_web_url(post.url):
        link = format_html('<a href="{}">{}</a>', post.url, post.site_name or post.url)
        parts.append(format_html("<p>{}</p>", format_html(_("Source: {link}"), link=link)))
    return format_html_join("\n", "{}", ((part,) for part in parts))


def _entry(post: Post, absolutise: Absolutise) -> FeedEntry:
    page = absolutise(post.get_absolute_url())
    return FeedEntry(
        guid=absolutise(entry_id_path(post)),
        link=page,
        external_url=post.url if _is_web_url(post.url) else "",
        title=post.title,
        summary=post.summary,
        content_html=entry_content(post),
        image_url=post.image_url if _is_web_url(post.image_url) else "",
        author_name=display_name(post.curated_by),
        published=post.curated_at,
        updated=max(post.updated_at, post.curated_at),
        categories=[tag.name for tag in post.tags.all()],
    )


def topic_feed(slug: str, tag_slug: str | None, *, absolutise: Absolutise) -> TopicFeed:
    """A topic's feed (or one of its tags' feeds), whatever the format, in four queries.

    Raises Topic.DoesNotExist or Tag.DoesNotExist for an unknown (or private) topic or tag.
    """
    topic = feed_topic(slug)
    tag = Tag.objects.get(slug=tag_slug) if tag_slug is not None else None
    posts = list(feed_posts(topic, tag))
    # Links need the topic's slug: reuse the topic instead of a query per post.
    for post in posts:
        post.topic = topic
    home = topic.get_absolute_url()
    if tag is None:
        title, args = topic.title, [topic.slug]
        name_prefix = "topic"
    else:
        title, args = f"{topic.title} — #{tag.name}", [topic.slug, tag.slug]
        name_prefix = "tag"
        home = f"{home}?{urlencode({'tag': tag.slug})}"
    # Generated text follows the topic's language, not the reader's browser.
    with translation.override(topic.language):
        entries = [_entry(post, absolutise) for post in posts]
        description = topic.description or _("Posts curated in “%(title)s”.") % {"title": title}
    return TopicFeed(
        topic=topic,
        tag=tag,
        title=title,
        description=description,
        language=topic.language,
        home_url=absolutise(home),
        author_name=display_name(topic.owner),
        feed_urls={
            fmt: absolutise(reverse(f"syndication:{name_prefix}-{fmt}", args=args))
            for fmt in FORMATS
        },
        entries=entries,
    )
