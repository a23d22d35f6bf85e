"""A topic shown on other sites: the embed page's options and posts, the snippet a host
page pastes, and the oEmbed document that hands that snippet to consumers.

The embed shows what an anonymous reader sees (access.py), as feeds do: it is read by
nobody in particular, in a frame of someone else's page. oEmbed only answers for listed
(public) topics: an unlisted topic is not offered to consumers that did not ask for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import Resolver404, resolve, reverse
from django.utils.html import escape
from django.utils.http import urlencode

from glaneur.curation import access
from glaneur.curation.models import Post, Topic
from glaneur.curation.queries import display_name, filter_by_tags, with_card_data

THEMES = ("light", "dark")
DEFAULT_LIMIT = 10
MAX_LIMIT = 30
MAX_TAGS = 3
# The frame's first height, before its script reports the real one (and without the script).
TOPIC_HEIGHT = 480
POST_HEIGHT = 260
COMPACT_HEIGHT = 320
DEFAULT_WIDTH = 600
MIN_SIZE = 100
# The host page's script: the unhashed name, which stays the same across deployments (the
# static files storage keeps it beside the hashed copy).
HOST_SCRIPT = "syndication/embed.js"


@dataclass(frozen=True)
class EmbedOptions:
    tags: tuple[str, ...] = ()
    theme: str = "light"
    compact: bool = False
    limit: int = DEFAULT_LIMIT
    post_id: int | None = None

    @classmethod
    def from_query(cls, query: QueryDict) -> EmbedOptions:
        """Options from the embed URL's query; anything unknown falls back to the default."""
        tags = tuple(dict.fromkeys(t for t in query.getlist("tag") if t))[:MAX_TAGS]
        theme = query.get("theme", "")
        try:
            limit = min(max(int(query.get("limit", DEFAULT_LIMIT)), 1), MAX_LIMIT)
        except ValueError:
            limit = DEFAULT_LIMIT
        post = query.get("post", "")
        return cls(
            tags=tags,
            theme=theme if theme in THEMES else "light",
            compact=query.get("compact", "") in ("1", "true", "yes"),
            limit=limit,
            post_id=int(post) if post.isdigit() else None,
        )

    def query(self) -> str:
        """The query string of these options (defaults left out), for links and cache keys."""
        pairs: list[tuple[str, Any]] = [("tag", tag) for tag in self.tags]
        if self.theme != "light":
            pairs.append(("theme", self.theme))
        if self.compact:
            pairs.append(("compact", 1))
        if self.limit != DEFAULT_LIMIT:
            pairs.append(("limit", self.limit))
        if self.post_id is not None:
            pairs.append(("post", self.post_id))
        return urlencode(pairs)

    @property
    def height(self) -> int:
        if self.post_id is not None:
            return POST_HEIGHT
        return COMPACT_HEIGHT if self.compact else TOPIC_HEIGHT


def embed_topic(slug: str) -> Topic:
    """A topic an anonymous reader may see (public or unlisted); Topic.DoesNotExist else."""
    return Topic.objects.filter(access.visible_topics(None)).select_related("owner").get(slug=slug)


def embed_posts(topic: Topic, options: EmbedOptions) -> list[Post]:
    """The latest published posts (pinning orders the topic page, not the embed), or the
    one post asked for, in three queries whatever the topic's size."""
    posts = Post.objects.filter(topic=topic).filter(access.visible_posts_in(topic, None))
    if options.post_id is not None:
        posts = posts.filter(pk=options.post_id)
    else:
        posts = filter_by_tags(posts, options.tags)
    rows: QuerySet[Post] = with_card_data(posts).order_by("-curated_at", "-id")
    result = list(rows[: options.limit])
    for post in result:
        post.topic = topic  # links need the topic's slug, not a query per post
    return result


def embed_path(topic: Topic, options: EmbedOptions | None = None) -> str:
    path = reverse("syndication:topic-embed", args=[topic.slug])
    query = options.query() if options is not None else ""
    return f"{path}?{query}" if query else path


def host_script_url(base_url: str) -> str:
    return f"{base_url}{settings.STATIC_URL}{HOST_SCRIPT}"


def snippet(
    *, frame_url: str, script_url: str, title: str, height: int, width: int = DEFAULT_WIDTH
) -> str:
    """The HTML a host page pastes: the frame, then our script that sizes it to fit (a
    plain string: escaped wherever a page shows it as text)."""
    return (
        # As wide as the host's column, up to ``width`` (a width attribute takes pixels only).
        f'<iframe src="{escape(frame_url)}" title="{escape(title)}" width="{width}" '
        f'height="{height}" loading="lazy" style="border:0;width:100%;max-width:{width}px" '
        "data-glaneur-embed></iframe>\n"
        f'<script src="{escape(script_url)}" async></script>'
    )


def topic_snippet(topic: Topic, base_url: str, options: EmbedOptions | None = None) -> str:
    options = options or EmbedOptions()
    return snippet(
        frame_url=f"{base_url}{embed_path(topic, options)}",
        script_url=host_script_url(base_url),
        title=topic.title,
        height=options.height,
    )


class NotEmbeddable(Exception):
    """The URL given to oEmbed is not a page of a listed topic on this site."""


def oembed_target(url: str, host: str) -> tuple[Topic, Post | None]:
    """The listed topic (and published post) a page URL of this site shows."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc.lower() != host.lower():
        raise NotEmbeddable(url)
    try:
        match = resolve(parts.path)
    except Resolver404 as exc:
        raise NotEmbeddable(url) from exc
    if match.view_name not in ("curation:topic", "curation:post"):
        raise NotEmbeddable(url)
    topic = (
        Topic.objects.filter(access.listed_topics(None))
        .select_related("owner")
        .filter(slug=match.kwargs["slug"])
        .first()
    )
    if topic is None:
        raise NotEmbeddable(url)
    if match.view_name == "curation:topic":
        return topic, None
    post = (
        Post.objects.filter(topic=topic, pk=match.kwargs["post_id"])
        .filter(access.visible_posts_in(topic, None))
        .select_related("curated_by")
        .first()
    )
    if post is None:
        raise NotEmbeddable(url)
    post.topic = topic
    return topic, post


def _bounded(value: str | None, default: int) -> int:
    try:
        asked = int(value) if value else default
    except ValueError:
        return default
    return max(MIN_SIZE, min(asked, default))


def oembed_document(
    topic: Topic,
    post: Post | None,
    *,
    base_url: str,
    maxwidth: str | None = None,
    maxheight: str | None = None,
) -> dict[str, Any]:
    """An oEmbed 1.0 "rich" response: our frame and its script, within the consumer's
    maxwidth and maxheight."""
    options = EmbedOptions(post_id=post.pk if post is not None else None)
    width = _bounded(maxwidth, DEFAULT_WIDTH)
    height = _bounded(maxheight, options.height)
    title = post.title if post is not None else topic.title
    author = post.curated_by if post is not None else topic.owner
    document: dict[str, Any] = {
        "version": "1.0",
        "type": "rich",
        "title": title,
        "provider_name": settings.GLANEUR_SITE_NAME,
        "provider_url": f"{base_url}/",
        "html": snippet(
            frame_url=f"{base_url}{embed_path(topic, options)}",
            script_url=host_script_url(base_url),
            title=title,
            height=height,
            width=width,
        ),
        "width": width,
        "height": height,
        "cache_age": 3600,
    }
    if name := display_name(author):
        document["author_name"] = name
        if author is not None:
            profile = reverse("curation:profile", args=[author.get_username()])
            document["author_url"] = f"{base_url}{profile}"
    return document
