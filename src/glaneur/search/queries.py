"""Searching: one page of hits a user may see, in three to five queries whatever the page
size (the shards, one to three rankings, the visible posts with their tags)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from html import unescape
from typing import TYPE_CHECKING, Any, NamedTuple

from django.conf import settings
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.utils import timezone
from django.utils.safestring import SafeString

from glaneur.curation import access
from glaneur.curation.models import Post, PostTag, Tag, Topic, post_path, topic_path

from . import analysis, snippets
from .backends import get_backend
from .query_language import Node, Query, parse

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

PER_PAGE = 20


class TagLink(NamedTuple):
    name: str
    slug: str


@dataclass(slots=True)
class HitTopic:
    id: int
    slug: str
    title: str
    language: str

    @property
    def pk(self) -> int:
        return self.id

    def get_absolute_url(self) -> str:
        return topic_path(self.slug)


@dataclass(slots=True)
class HitPost:
    """What a hit shows of a post (templates/search/_hit.html): plain values read in one
    query; a model instance per hit cost more than the query itself (bench/README.md)."""

    id: int
    slug: str
    title: str
    summary: str
    insight: str
    insight_html: str
    site_name: str
    curated_at: datetime
    language: str
    topic: HitTopic
    main_text_start: str  # the main text as far as a snippet looks

    @property
    def pk(self) -> int:
        return self.id

    def get_absolute_url(self) -> str:
        return post_path(self.topic.slug, self.id, self.slug)


@dataclass
class SearchHit:
    post: HitPost
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


# What a hit shows (templates/search/_hit.html) and cuts its snippet from, in the order of
# HitPost's fields; the main text is read only as far as a snippet looks.
POST_COLUMNS = (
    "id", "slug", "title", "summary", "insight", "insight_html", "site_name", "curated_at",
    "language",
)  # fmt: skip
TOPIC_COLUMNS = ("id", "slug", "title", "language")


# A hit's tags, [name, slug] pairs, read with its post: a second statement cost
# PostgreSQL half a millisecond of planning and a round trip. PostgreSQL's as an array
# (psycopg reads it in C; JSON went through json.loads for every hit), SQLite's as JSON.
TAGS_AGGREGATE = {
    "postgresql": "array_agg(ARRAY[tag.name, tag.slug])",
    "sqlite": "json_group_array(json_array(tag.name, tag.slug))",
}


@cache
def _hit_columns(vendor: str) -> tuple[dict[str, str], dict[str, str], str]:
    """The posts' and topics' column names by field, and the select list of a hit: read
    from the models once, not at every search."""
    post_column = {f.name: f.column for f in Post._meta.concrete_fields}
    topic_column = {f.name: f.column for f in Topic._meta.concrete_fields}
    columns = [f"p.{post_column[name]}" for name in POST_COLUMNS]
    columns += [f"t.{topic_column[name]}" for name in TOPIC_COLUMNS]
    columns.append(f"SUBSTR(p.{post_column['main_text']}, 1, {int(snippets.SCAN_CHARS)})")
    columns.append(
        f"(SELECT {TAGS_AGGREGATE[vendor]} FROM {PostTag._meta.db_table} pt "  # noqa: S608
        f"JOIN {Tag._meta.db_table} tag ON tag.id = pt.tag_id WHERE pt.post_id = p.id)"
    )
    return post_column, topic_column, ", ".join(columns)


def _hit_sql(
    user: User | AnonymousUser | None, topic: Topic | None, ids: list[int]
) -> tuple[str, list[Any]]:
    """The query of the posts ``ids``, with their tags, if published and, for ``topic``
    (whose visibility the caller checked), in it, else in the topics listed for the user
    (access.listed_topics: public ones and those the user belongs to). Plain SQL: the ORM
    took twice as long to build and read it as the database to run it (bench/README.md).
    On PostgreSQL the ids are one array, so that the text is the same at every search of
    the same kind of user and the statement is prepared (``_hits_cursor``)."""
    post_column, _topic_column, select = _hit_columns(connection.vendor)
    where = [f"p.{post_column['status']} = %s"]
    params: list[Any] = [Post.Status.PUBLISHED.value]
    if topic is not None:
        where.append(f"p.{post_column['topic']} = %s")
        params.append(topic.pk)
    elif listed := access.listed_topics(user):  # (empty for a superuser: every topic)
        # The rule of access.py, compiled by the ORM once per search: the topics listed
        # for this user (public ones and theirs).
        topics = Topic.objects.filter(listed).order_by().values("pk")
        topics_sql, topics_params = topics.query.sql_with_params()
        where.append(f"t.id IN ({topics_sql})")
        params += topics_params
    if connection.vendor == "postgresql":
        where.append("p.id = ANY(%s::bigint[])")
        params.append(ids)
    else:
        where.append(f"p.id IN ({', '.join(['%s'] * len(ids))})")
        params += ids
    return (
        f"SELECT {select} FROM {Post._meta.db_table} p "  # noqa: S608
        f"JOIN {Topic._meta.db_table} t ON t.id = p.{post_column['topic']} "
        f"WHERE {' AND '.join(where)}",
        params,
    )


def _hits_cursor() -> CursorWrapper:
    """A cursor for the hit query. On PostgreSQL one that binds parameters on the server
    (Django's binds them in the client, which psycopg cannot prepare): the hit query is
    then prepared from its second run on a connection (``prepare_threshold`` in settings)
    and planned once, not at every search (half a millisecond, bench/README.md)."""
    if (
        connection.vendor != "postgresql"
        or connection.settings_dict["OPTIONS"].get("prepare_threshold") is None
    ):
        return connection.cursor()
    from django.db.backends.postgresql.base import (  # type: ignore[attr-defined]
        ServerBindingCursor,
    )
    from psycopg.pq import Format

    connection.ensure_connection()
    cursor = ServerBindingCursor(connection.connection)
    # Rows in binary: psycopg reads dates in C then, where Django's loader of text dates
    # parses them in Python (10 µs a hit).
    cursor.format = Format.BINARY
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)


def _hit_post(row: tuple[Any, ...]) -> tuple[HitPost, list[TagLink]]:
    id_, slug, title, summary, insight, insight_html, site_name, curated_at, language = row[:9]
    post = HitPost(
        id_, slug, title, summary, insight, insight_html, site_name, curated_at, language,
        topic=HitTopic(*row[9:13]), main_text_start=row[13],
    )  # fmt: skip
    if settings.USE_TZ and timezone.is_naive(post.curated_at):  # SQLite's, stored in UTC
        post.curated_at = timezone.make_aware(post.curated_at, UTC)
    tags = row[14]
    if isinstance(tags, str):  # SQLite's JSON is text
        tags = json.loads(tags)
    return post, sorted(TagLink(name, slug) for name, slug in tags or ())


def _visible_hits(
    tree: Node, *, topic: Topic | None, user: User | AnonymousUser | None, offset: int, limit: int
) -> list[tuple[HitPost, list[TagLink], float]]:
    """The visible hits ``offset`` to ``offset + limit``, best first, with their scores.

    The index ranks its candidates alone (no join: reading a post row to check it is
    visible costs more than ranking it); then the best ones are read from the posts with
    the visibility filter and what a hit shows, a slice a little larger than the page, in
    one query unless many of the best candidates are hidden from this user."""
    backend, topic_id = get_backend(), (topic.pk if topic else None)
    wanted = offset + limit
    size = best = wanted + max(4, wanted // 5)
    ranked = backend.rank(tree, topic_id=topic_id, limit=candidate_limit(), best=best)
    visible: list[tuple[HitPost, list[TagLink], float]] = []
    start = 0
    with _hits_cursor() as cursor:
        while len(visible) < wanted:
            if start >= len(ranked):
                if len(ranked) < best:  # every candidate was read
                    break
                # Many of the best are hidden from this user: rank again, keeping more.
                best *= 4
                ranked = backend.rank(tree, topic_id=topic_id, limit=candidate_limit(), best=best)
                continue
            chunk = ranked[start : start + size]
            sql, params = _hit_sql(user, topic, [pk for pk, _ in chunk])
            cursor.execute(sql, params)
            found = {row[0]: _hit_post(row) for row in cursor.fetchall()}
            visible += [(*found[pk], score) for pk, score in chunk if pk in found]
            start, size = start + len(chunk), size * 2
    return visible[offset:wanted]


# The insight's HTML is our own rendering of its Markdown, cleaned by nh3: its tags are well
# formed, so a pattern removes them (Django's strip_tags parses the HTML: 130 µs an insight).
_TAGS = re.compile(r"<[^>]*>")


def _texts(post: HitPost) -> list[str]:
    insight = unescape(_TAGS.sub("", post.insight_html)) if post.insight_html else post.insight
    return [post.summary, insight, post.main_text_start]


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
    for post, tags, rank in rows:
        language = analysis.language_of(post.language or post.topic.language)
        result.hits.append(
            SearchHit(
                post=post,
                rank=rank,
                title_html=snippets.highlight(post.title, query.highlight, language),
                snippet_html=snippets.snippet(
                    _texts(post), query.highlight, language, terms=query.terms
                ),
                tags=tags,
            )
        )
    return result


@dataclass(frozen=True)
class NearDuplicate:
    post: Post
    distance: int  # bits of the two stories' signatures that differ (0: the same words)


def near_duplicates(
    post: Post, viewer: User | AnonymousUser | None, *, limit: int = 3
) -> list[NearDuplicate]:
    """The posts of the topic that tell the same story as ``post`` (``stories.same_story``
    on title and summary), closest first, among those ``viewer`` may see: the edit page
    flags them to the curator. Two queries, whatever the topic's size."""
    from . import stories
    from .models import StorySignature

    language = analysis.language_of(post.language or post.topic.language)
    mine = stories.signature(post.title, post.summary, language)
    if not mine:
        return []
    close = sorted(
        (stories.distance(mine, simhash), post_id)
        for post_id, simhash in StorySignature.objects.filter(topic_id=post.topic_id)
        .exclude(post_id=post.pk)
        .values_list("post_id", "simhash")
        if stories.same_story(mine, simhash)
    )
    if not close:
        return []
    posts = Post.objects.filter(pk__in=[pk for _d, pk in close[: limit * 3]]).filter(
        access.visible_posts_in(post.topic, viewer)
    )
    found = {p.pk: p for p in posts}
    return [NearDuplicate(found[pk], d) for d, pk in close if pk in found][:limit]
