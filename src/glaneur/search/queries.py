"""Searching: one page of hits a user may see, in three queries whatever the page size."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import unescape
from typing import TYPE_CHECKING, NamedTuple

from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.functions import Substr
from django.utils.html import strip_tags
from django.utils.safestring import SafeString

from glaneur.curation.models import Membership, Post, PostTag, Topic

from . import analysis, snippets
from .backends import get_backend
from .query import Node, Query, parse

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

PER_PAGE = 20


class TagLink(NamedTuple):
    name: str
    slug: str


@dataclass
class SearchHit:
    post: Post
    rank: float
    title_html: SafeString
    snippet_html: SafeString
    tags: list[TagLink] = field(default_factory=list)


@dataclass
class SearchPage:
    query: Query
    hits: list[SearchHit] = field(default_factory=list)
    number: int = 1
    per_page: int = PER_PAGE
    has_next: bool = False

    @property
    def first_position(self) -> int:
        return (self.number - 1) * self.per_page + 1

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def previous_number(self) -> int:
        return self.number - 1


def candidate_limit() -> int:
    """How many of the newest matching posts are ranked (bounds the cost of common words)."""
    return int(settings.GLANEUR_SEARCH_CANDIDATES)


def _visible_posts(user: User | AnonymousUser | None, topic: Topic | None) -> QuerySet[Post]:
    """Published posts of ``topic`` (whose visibility the caller checked), else of the
    topics a user's search covers: public ones and those the user belongs to (private or
    unlisted); a superuser's covers all."""
    posts = Post.objects.filter(status=Post.Status.PUBLISHED)
    if topic is not None:
        return posts.filter(topic=topic)
    if user is not None and getattr(user, "is_superuser", False):
        return posts
    public = Q(topic__visibility=Topic.Visibility.PUBLIC)
    if user is not None and user.is_authenticated:
        member_of = Membership.objects.filter(user_id=user.pk).values("topic_id")
        return posts.filter(public | Q(topic_id__in=member_of))
    return posts.filter(public)


# What a hit shows (templates/search/_hit.html) and cuts its snippet from: the main text
# is read only as far as a snippet looks, and nothing else of the post or its topic.
HIT_FIELDS = (
    "id", "slug", "title", "summary", "insight", "insight_html", "site_name", "curated_at",
    "language", "topic__id", "topic__slug", "topic__title", "topic__language",
)  # fmt: skip


def _visible_hits(
    tree: Node, *, topic: Topic | None, user: User | AnonymousUser | None, offset: int, limit: int
) -> list[tuple[Post, float]]:
    """The visible hits ``offset`` to ``offset + limit``, best first, with their scores.

    The index ranks its candidates alone (no join: reading a post row to check it is
    visible costs more than ranking it); then the best ones are read from the posts with
    the visibility filter and what a hit shows, a slice a little larger than the page, in
    one query unless many of the best candidates are hidden from this user."""
    ranked = get_backend().rank(tree, topic_id=topic.pk if topic else None, limit=candidate_limit())
    ranked.sort(key=lambda row: (-row[1], -row[0]))
    wanted = offset + limit
    visible: list[tuple[Post, float]] = []
    posts = (
        _visible_posts(user, topic)
        .select_related("topic")
        .only(*HIT_FIELDS)
        .annotate(main_text_start=Substr("main_text", 1, snippets.SCAN_CHARS))
        .order_by()
    )
    start, size = 0, wanted + max(10, wanted // 4)
    while len(visible) < wanted and start < len(ranked):
        chunk = ranked[start : start + size]
        found = {post.pk: post for post in posts.filter(pk__in=[pk for pk, _ in chunk])}
        visible += [(found[pk], score) for pk, score in chunk if pk in found]
        start, size = start + size, size * 2
    return visible[offset:wanted]


def _tag_links(ids: list[int]) -> dict[int, list[TagLink]]:
    """Each post's tags, by name, in one query of plain rows."""
    links: dict[int, list[TagLink]] = {}
    rows = PostTag.objects.filter(post_id__in=ids).order_by("tag__name", "tag__slug")
    for post_id, name, slug in rows.values_list("post_id", "tag__name", "tag__slug"):
        links.setdefault(post_id, []).append(TagLink(name, slug))
    return links


def _texts(post: Post) -> list[str]:
    insight = unescape(strip_tags(post.insight_html)) if post.insight_html else post.insight
    return [post.summary, insight, post.main_text_start]  # type: ignore[attr-defined]


def search(
    text: str,
    *,
    topic: Topic | None = None,
    user: User | AnonymousUser | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> SearchPage:
    """One page of the published posts matching ``text`` that ``user`` may see, best first:
    within ``topic`` (the caller checked the user may view it), else across the topics the
    user's search covers. A malformed query never raises; an empty one finds nothing."""
    query = parse(text)
    page = max(1, page)
    result = SearchPage(query=query, number=page, per_page=per_page)
    if query.tree is None:
        return result
    rows = _visible_hits(
        query.tree, topic=topic, user=user, offset=(page - 1) * per_page, limit=per_page + 1
    )
    result.has_next = len(rows) > per_page
    rows = rows[:per_page]
    tags = _tag_links([post.pk for post, _ in rows])
    for post, rank in rows:
        language = analysis.language_of(post.language or post.topic.language)
        result.hits.append(
            SearchHit(
                post=post,
                rank=rank,
                title_html=snippets.highlight(post.title, query.highlight, language),
                snippet_html=snippets.snippet(_texts(post), query.highlight, language),
                tags=tags.get(post.pk, []),
            )
        )
    return result
