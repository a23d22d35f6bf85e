from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from glaneur.curation import access
from glaneur.curation.models import Post, Topic
from glaneur.curation.queries import StreamPage, paginate, with_card_data
from glaneur.curation.services import authenticated

from .models import Delivery, Follow, Issue, SendStatus, Subscriber

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def followed_topics(user: User | AnonymousUser) -> QuerySet[Topic]:
    """The topics the user follows and may still see (one turned private is left out,
    and its follow kept: it comes back if the topic opens again)."""
    if not user.is_authenticated:
        return Topic.objects.none()
    return (
        Topic.objects.filter(follows__user=authenticated(user))
        .filter(access.visible_topics(user))
        .order_by("title")
    )


def visible_follows(user: User | AnonymousUser) -> QuerySet[Follow]:
    """The user's follows of topics they may see (access.py)."""
    return Follow.objects.filter(user=authenticated(user)).filter(
        access.visible_topics(user, prefix="topic__")
    )


def hidden_follows(user: User | AnonymousUser) -> QuerySet[Follow]:
    """The user's follows of topics that turned private to them: shown without a title,
    so that they can still be stopped."""
    return Follow.objects.filter(user=authenticated(user)).exclude(
        pk__in=visible_follows(user).values("pk")
    )


def followed_stream(
    user: User | AnonymousUser, *, page: int = 1, per_page: int | None = None
) -> StreamPage:
    """Newest published posts across the user's followed topics (no pinning across topics),
    of the topics they may see."""
    topic_ids = visible_follows(user).values("topic_id")
    posts = with_card_data(
        Post.objects.filter(topic_id__in=topic_ids, status=Post.Status.PUBLISHED)
        .select_related("topic")
        .order_by("-curated_at", "-id")
    )
    return paginate(posts, page=page, per_page=per_page)


# Topic newsletters.

RECIPIENTS_PER_PAGE = 100
ISSUES_PER_PAGE = 30


def recipients_page(topic: Topic, *, page: int = 1, status: str = "") -> Page[Subscriber]:
    """One page of a topic's recipient list (a count and a slice, whatever its length)."""
    rows = Subscriber.objects.filter(topic=topic).order_by("email", "pk")
    if status in Subscriber.Status.values:
        rows = rows.filter(status=status)
    return Paginator(rows, RECIPIENTS_PER_PAGE).get_page(page)


def subscriber_counts(topic: Topic) -> dict[str, int]:
    counts = dict.fromkeys(Subscriber.Status.values, 0)
    rows = (
        Subscriber.objects.filter(topic=topic)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    counts.update({status: n for status, n in rows})
    return counts


def _delivery_count(status: str) -> Subquery:
    return Subquery(
        Delivery.objects.filter(issue_id=OuterRef("pk"), status=status)
        .order_by()
        .values("issue_id")
        .annotate(n=Count("pk"))
        .values("n")
    )


def topic_issues(topic: Topic, *, limit: int = 50) -> list[Issue]:
    """The curators' list: every issue, newest first, with its delivery figures."""
    return list(
        Issue.objects.filter(topic=topic)
        .annotate(
            item_count=Count("items", distinct=True),
            sent_count=Coalesce(_delivery_count(SendStatus.SENT), 0),
            failed_count=Coalesce(_delivery_count(SendStatus.FAILED), 0),
            bounced_count=Coalesce(_delivery_count(SendStatus.BOUNCED), 0),
        )
        .order_by("-created_at", "-pk")[:limit]
    )


def sent_issues_page(topic: Topic, *, page: int = 1) -> Page[Issue]:
    """The public archive."""
    rows: QuerySet[Issue] = (
        Issue.objects.filter(topic=topic, status=Issue.Status.SENT)
        .annotate(item_count=Count("items"))
        .order_by("-sent_at", "-pk")
    )
    return Paginator(rows, ISSUES_PER_PAGE).get_page(page)


def delivery_counts(issue: Issue) -> dict[str, int]:
    counts = dict.fromkeys(SendStatus.values, 0)
    rows = issue.deliveries.order_by().values_list("status").annotate(n=Count("pk"))
    counts.update({status: n for status, n in rows})
    return counts


def delivery_problems(issue: Issue, *, limit: int = 200) -> list[Delivery]:
    return list(
        issue.deliveries.exclude(error="")
        .exclude(status=SendStatus.SENT)
        .order_by("pk")
        .only("pk", "email", "status", "error", "attempts")[:limit]
    )


def follow_state(user: object, topic: Topic) -> tuple[bool, int]:
    """(whether ``user`` follows ``topic``, how many follow it) in one SQL statement: every
    topic page asks, and the ORM's aggregate took ten times SQLite's run to build."""
    user_id = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
    quote = connection.ops.quote_name  # names from the model, never from input
    table = quote(Follow._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN user_id = %s THEN 1 ELSE 0 END), 0) "  # noqa: S608
            f"FROM {table} WHERE topic_id = %s",
            [user_id, topic.pk],
        )
        followers, mine = cursor.fetchone()
    return bool(mine), int(followers)
