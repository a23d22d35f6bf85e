"""Read paths shared by pages and feeds; each costs a fixed number of queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Prefetch, QuerySet

from .models import Post, PostTag, Tag, Topic


def visible_posts(topic: Topic) -> QuerySet[Post]:
    """Published posts of a topic, pinned first then newest first."""
    return Post.objects.filter(topic=topic, status=Post.Status.PUBLISHED)


def with_card_data(posts: QuerySet[Post]) -> QuerySet[Post]:
    """Everything a post card shows, loaded in two queries whatever the page size."""
    return posts.select_related(
        "curated_by", "origin__topic", "origin__curated_by"
    ).prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))


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


def topic_stream(
    topic: Topic, *, tags: Sequence[str] = (), page: int = 1, per_page: int | None = None
) -> StreamPage:
    """One page of a topic's stream; fetches one row more than shown to know if more follow."""
    per_page = per_page or settings.GLANEUR_POSTS_PER_PAGE
    page = max(1, page)
    posts = with_card_data(filter_by_tags(visible_posts(topic), tags))
    start = (page - 1) * per_page
    rows = list(posts[start : start + per_page + 1])
    for post in rows:
        post.topic = topic  # already loaded: links and cards need no query per post
    return StreamPage(posts=rows[:per_page], number=page, has_next=len(rows) > per_page)


@dataclass
class TagCount:
    name: str
    slug: str
    count: int


def popular_tags(topic: Topic, *, limit: int = 20) -> list[TagCount]:
    rows = (
        PostTag.objects.filter(topic=topic, post__status=Post.Status.PUBLISHED)
        .values("tag__name", "tag__slug")
        .annotate(n=Count("id"))
        .order_by("-n", "tag__name")[:limit]
    )
    return [TagCount(r["tag__name"], r["tag__slug"], r["n"]) for r in rows]


def tags_by_slug(slugs: Sequence[str]) -> list[Tag]:
    found = {tag.slug: tag for tag in Tag.objects.filter(slug__in=slugs)}
    return [found[slug] for slug in slugs if slug in found]


def listed_topics() -> QuerySet[Topic]:
    return (
        Topic.objects.filter(visibility=Topic.Visibility.PUBLIC)
        .select_related("owner")
        .annotate(post_count=Count("posts"))
        .order_by("-created_at")
    )


def curators(topic: Topic) -> list[str]:
    from .models import Membership

    rows = (
        Membership.objects.filter(topic=topic, role=Membership.Role.OWNER)
        .select_related("user")
        .order_by("created_at")
    )
    return [display_name(m.user) for m in rows]


def display_name(user: object) -> str:
    if user is None:
        return ""
    full = getattr(user, "get_full_name", lambda: "")()
    return str(full or getattr(user, "username", ""))
