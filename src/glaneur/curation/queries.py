"""Read paths shared by pages and feeds; each costs a fixed number of queries."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Prefetch, QuerySet

from . import access
from .models import Post, PostStep, PostTag, Tag, Topic


def published_posts(topic: Topic) -> QuerySet[Post]:
    """Published posts of a topic, pinned first then newest first: its stream as every
    reader sees it (the caller checked the topic is visible, access.py)."""
    return Post.objects.filter(topic=topic, status=Post.Status.PUBLISHED)


def with_card_data(posts: QuerySet[Post]) -> QuerySet[Post]:
    """Everything a post card shows, loaded in two queries whatever the page size."""
    return posts.select_related(
        "curated_by", "origin__topic", "origin__curated_by"
    ).prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))


def with_failed_steps(posts: QuerySet[Post]) -> QuerySet[Post]:
    """Posts with ``failed_steps``, the steps after the read that failed (one more query)."""
    failed = PostStep.objects.filter(state=PostStep.State.FAILED).order_by("name")
    return posts.prefetch_related(Prefetch("steps", queryset=failed, to_attr="failed_steps"))


def filter_by_tags(posts: QuerySet[Post], tag_slugs: Sequence[str]) -> QuerySet[Post]:
    """Posts carrying every one of the tags (tags combine with AND, as filters narrow)."""
    for slug in tag_slugs:
        posts = posts.filter(pk__in=PostTag.objects.filter(tag__slug=slug).values("post_id"))
    return posts


@dataclass
class StreamPage:
    posts: list[Post]
    number: int
    has_next: bool

    @property
    def next_number(self) -> int:
        return self.number + 1


def paginate(posts: QuerySet[Post], *, page: int, per_page: int | None = None) -> StreamPage:
    """One page of a stream; fetches one row more than shown to know if more follow."""
    per_page = per_page or settings.GLANEUR_POSTS_PER_PAGE
    page = max(1, page)
    start = (page - 1) * per_page
    rows = list(posts[start : start + per_page + 1])
    return StreamPage(posts=rows[:per_page], number=page, has_next=len(rows) > per_page)


def topic_stream(
    topic: Topic,
    *,
    tags: Sequence[str] = (),
    page: int = 1,
    per_page: int | None = None,
    within: QuerySet[Any, Any] | None = None,
) -> StreamPage:
    """One page of a topic's stream, pinned posts first; ``within``: a subquery of post ids
    another app narrows it to (the posts about a place)."""
    posts = filter_by_tags(published_posts(topic), tags)
    if within is not None:
        posts = posts.filter(pk__in=within)
    stream = paginate(with_card_data(posts), page=page, per_page=per_page)
    for post in stream.posts:
        post.topic = topic  # already loaded: links and cards need no query per post
    return stream


def topic_by_slug(slug: str) -> Topic | None:
    """The topic of this slug, in one SQL statement: every topic page and action looks its
    topic up first, and the ORM took longer to build the query than SQLite to run it
    (bench/README.md, "Where a signed-in topic page's time goes"). Its owner loads if read."""
    table = connection.ops.quote_name(Topic._meta.db_table)  # from the model, not from input
    found = list(Topic.objects.raw(f"SELECT * FROM {table} WHERE slug = %s", [slug]))  # noqa: S608
    return found[0] if found else None


def curated_topics(user: object, *, exclude: Topic | None = None) -> QuerySet[Topic]:
    """The topics a user may scoop or rescoop into (owner, editor or contributor)."""
    user_id = getattr(user, "pk", None)
    if not getattr(user, "is_authenticated", False) or user_id is None:
        return Topic.objects.none()
    topics = Topic.objects.filter(
        memberships__user_id=user_id, memberships__role__in=sorted(access.CURATOR_ROLES)
    )
    if exclude is not None:
        topics = topics.exclude(pk=exclude.pk)
    return topics.order_by("title")


def curated_topic_choices(user: object, *, exclude: Topic | None = None) -> list[Topic]:
    """``curated_topics`` as a menu: their ids and titles (other fields load when read), in
    one SQL statement. Every signed-in reader's topic page lists them, and building the ORM's
    query took eight times SQLite's run (bench/README.md, "Where a signed-in topic page's time
    goes")."""
    from .models import Membership

    user_id = getattr(user, "pk", None)
    if not getattr(user, "is_authenticated", False) or user_id is None:
        return []
    roles = sorted(access.CURATOR_ROLES)
    quote = connection.ops.quote_name  # names from the models, never from input
    topics, members = quote(Topic._meta.db_table), quote(Membership._meta.db_table)
    marks = ", ".join(["%s"] * len(roles))
    where, params = f"m.user_id = %s AND m.role IN ({marks})", [user_id, *roles]
    if exclude is not None:
        where, params = f"{where} AND t.id <> %s", [*params, exclude.pk]
    return list(
        Topic.objects.raw(
            f"SELECT t.id, t.title FROM {topics} t JOIN {members} m ON m.topic_id = t.id "  # noqa: S608
            f"WHERE {where} ORDER BY t.title",
            params,
        )
    )


def topic_stamp(topic: Topic) -> str:
    """Changes whenever anything a card or the tag list shows changes, in one index seek.

    Every write path moves a post's updated_at (edits, tags, comments, publication, new
    posts); removals move the topic's content_changed_at (curation.signals). In SQL: every
    topic page, feed and search asks, and the ORM's aggregate took ten times SQLite's run to
    build (bench/README.md, "Where a signed-in topic page's time goes").
    """
    quote = connection.ops.quote_name  # names from the model, never from input
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MAX({quote('updated_at')}) FROM {quote(Post._meta.db_table)} "  # noqa: S608
            f"WHERE {quote('topic_id')} = %s",
            [topic.pk],
        )
        (last,) = cursor.fetchone()
    # The time as the database gives it (SQLite: its text, PostgreSQL: a datetime), its
    # digits only (cache keys hold no spaces): a stamp only has to change when it does.
    digits = "".join(c for c in str(last) if c.isdigit()) if last else "0"
    return f"{digits}-{topic.content_changed_at.timestamp()}"


@dataclass
class TagCount:
    name: str
    slug: str
    count: int


def popular_tags(topic: Topic, *, limit: int = 20) -> list[TagCount]:
    """The topic's most used tags on published posts, in three cheap queries.

    Counting every tag link joined to its post cost 55 ms at 10,000 posts on SQLite; the
    count straight from the (topic, tag) index costs 2 ms, and the few unpublished posts
    are subtracted from a second small query.
    """
    counts: Counter[int] = Counter(
        dict(
            PostTag.objects.filter(topic=topic)
            .values_list("tag_id")
            .annotate(n=Count("*"))
            .values_list("tag_id", "n")
        )
    )
    counts.subtract(
        dict(
            PostTag.objects.filter(post__topic=topic)
            .exclude(post__status=Post.Status.PUBLISHED)
            .values_list("tag_id")
            .annotate(n=Count("*"))
            .values_list("tag_id", "n")
        )
    )
    ranked = sorted(((t, n) for t, n in counts.items() if n > 0), key=lambda item: -item[1])
    if not ranked:
        return []
    # Names only for the tags that can make the list (ties at the cut are ordered by name).
    cut = ranked[min(limit, len(ranked)) - 1][1]
    ranked = [(t, n) for t, n in ranked if n >= cut]
    tags = Tag.objects.in_bulk([tag_id for tag_id, _n in ranked])
    ranked.sort(key=lambda item: (-item[1], tags[item[0]].name))
    return [TagCount(tags[t].name, tags[t].slug, n) for t, n in ranked[:limit]]


def tags_by_slug(slugs: Sequence[str]) -> list[Tag]:
    found = {tag.slug: tag for tag in Tag.objects.filter(slug__in=slugs)}
    return [found[slug] for slug in slugs if slug in found]


def curators(topic: Topic) -> list[str]:
    """The names of the topic's owners, oldest first (as ``display_name``: the full name,
    or the username). In SQL: every topic page asks, and the ORM's query with its user took
    twenty times SQLite's run to build (bench/README.md, "Where a signed-in topic page's
    time goes")."""
    from .models import Membership

    user = get_user_model()
    quote = connection.ops.quote_name  # names from the models, never from input
    members, users = quote(Membership._meta.db_table), quote(user._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT u.first_name, u.last_name, u.username "  # noqa: S608
            f"FROM {members} m JOIN {users} u ON u.id = m.user_id "
            "WHERE m.topic_id = %s AND m.role = %s ORDER BY m.created_at",
            [topic.pk, Membership.Role.OWNER.value],
        )
        rows = cursor.fetchall()
    # AbstractUser.get_full_name: "first last", stripped.
    return [f"{first} {last}".strip() or username for first, last, username in rows]


def display_name(user: object) -> str:
    if user is None:
        return ""
    full = getattr(user, "get_full_name", lambda: "")()
    return str(full or getattr(user, "username", ""))
