"""Read paths of the suggestions engine, each with a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from glaneur.curation.models import Topic

from .models import Candidate, Source, Suggestion

PER_PAGE = 30
OPEN = (Candidate.Status.NEW, Candidate.Status.SEEN)


@dataclass
class Inbox:
    candidates: list[Candidate]
    sources: list[Source]
    count: int  # open stories in this view
    new: int  # of which never seen
    page: int
    has_next: bool


def open_stories(topic: Topic) -> QuerySet[Candidate]:
    """The topic's undecided candidates, one per story: a near-duplicate is shown through
    the first candidate of its group, which counts the others."""
    others = (
        Candidate.objects.filter(group=OuterRef("pk"))
        .exclude(pk=OuterRef("pk"))
        .order_by()
        .values("group")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Candidate.objects.filter(topic=topic, status__in=OPEN)
        .filter(Q(group__isnull=True) | Q(group=F("pk")))
        .annotate(also=Coalesce(Subquery(others, output_field=IntegerField()), 0))
    )


def inbox(
    topic: Topic,
    *,
    source_id: int | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Inbox:
    rows = open_stories(topic)
    if source_id is not None:
        rows = rows.filter(sources__pk=source_id)
    order = (
        [F("published_at").desc(nulls_last=True), "-found_at", "-pk"]
        if sort == "freshness"
        else ["-score", "-found_at", "-pk"]
    )
    counts = rows.aggregate(
        count=Count("pk", distinct=True),
        new=Count("pk", filter=Q(status=Candidate.Status.NEW), distinct=True),
    )
    start = (page - 1) * per_page
    window = list(
        rows.select_related("suggestion__author")
        .prefetch_related(
            Prefetch("sources", queryset=Source.objects.only("pk", "title", "url", "query", "kind"))
        )
        .order_by(*order)[start : start + per_page + 1]
    )
    sources = list(Source.objects.filter(topic=topic).order_by("title", "url", "query"))
    return Inbox(
        candidates=window[:per_page],
        sources=sources,
        count=counts["count"],
        new=counts["new"],
        page=page,
        has_next=len(window) > per_page,
    )


def pending_suggestions(topic: Topic) -> int:
    return Suggestion.objects.filter(topic=topic, status=Suggestion.Status.PENDING).count()


def suggestions_of(user: User) -> list[Suggestion]:
    """A user's own suggestions, newest first, with their topics."""
    return list(
        Suggestion.objects.filter(author=user).select_related("topic").order_by("-created_at")[:200]
    )
