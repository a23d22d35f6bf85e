"""The curation inbox in the REST API: ranked suggestions, scoop, discard. Its router is
registered in ``api.main`` with the authentication chain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status

from glaneur.curation import access
from glaneur.curation.models import Topic
from glaneur.sources import inbox, queries
from glaneur.sources.models import Candidate

from .access import caller, visible_topic
from .errors import error_responses

router = Router(tags=["suggestions"])


class SourceRef(Schema):
    id: int
    title: str


class SuggestionOut(Schema):
    id: int
    url: str
    title: str
    summary: str
    imageUrl: str
    publicationDate: datetime | None
    foundDate: datetime
    status: str  # new or seen
    score: float
    matchedWords: list[str]
    similar: int  # near-duplicates grouped under this one
    sources: list[SourceRef]
    suggestedBy: str | None  # a visitor's name or user name, when a visitor suggested it


class SuggestionList(Schema):
    count: int
    next: int | None
    results: list[SuggestionOut]


class ListFilters(Schema):
    page: int = 1
    perPage: int = 30
    source: int | None = None
    sort: str = "relevance"  # or freshness


class ScoopIn(Schema):
    insight: str = ""
    tags: list[str] = []
    publish: bool = False  # False: a draft to review, as on the page


class ScoopOut(Schema):
    postId: int
    url: str  # the post's page
    editUrl: str  # the review page


class DiscardIn(Schema):
    reason: str = ""  # shown to the visitor who suggested it


def _topic(request: HttpRequest, slug: str) -> Topic:
    """The topic, if the caller curates it (404 for who may not even see it)."""
    topic = visible_topic(request, slug)
    access.check_can_curate(caller(request), topic)
    return topic


def _candidate(request: HttpRequest, slug: str, pk: int) -> Candidate:
    topic = _topic(request, slug)
    candidate = Candidate.objects.filter(topic=topic, pk=pk, status__in=inbox.OPEN).first()
    if candidate is None:
        raise Http404
    candidate.topic = topic
    return candidate


def _by(candidate: Candidate) -> str | None:
    suggestion = candidate.suggestion
    if suggestion is None:
        return None
    if suggestion.author is not None:
        return suggestion.author.get_full_name() or suggestion.author.get_username()
    return suggestion.name or ""


def _out(candidate: Candidate) -> dict[str, Any]:
    return {
        "id": candidate.pk,
        "url": candidate.url,
        "title": candidate.title,
        "summary": candidate.summary,
        "imageUrl": candidate.image_url,
        "publicationDate": candidate.published_at,
        "foundDate": candidate.found_at,
        "status": candidate.status,
        "score": round(candidate.score, 4),
        "matchedWords": list(candidate.matched_words),
        "similar": getattr(candidate, "also", 0),
        "sources": [{"id": s.pk, "title": str(s)} for s in candidate.sources.all()],
        "suggestedBy": _by(candidate),
    }


@router.get(
    "/topics/{slug}/suggestions",
    response={200: SuggestionList, **error_responses(401, 403, 404, 422)},
)
def list_suggestions(
    request: HttpRequest, slug: str, filters: Query[ListFilters]
) -> dict[str, Any]:
    """The topic's inbox, ranked (curators only): one entry per story, with its score and
    the words that made it."""
    topic = _topic(request, slug)
    per_page = max(1, min(100, filters.perPage))
    page = max(1, filters.page)
    view = queries.inbox(
        topic,
        source_id=filters.source,
        sort="freshness" if filters.sort == "freshness" else "relevance",
        page=page,
        per_page=per_page,
    )
    return {
        "count": view.count,
        "next": page + 1 if view.has_next else None,
        "results": [_out(c) for c in view.candidates],
    }


@router.post(
    "/topics/{slug}/suggestions/{suggestion_id}/scoop",
    response={201: ScoopOut, **error_responses(400, 401, 403, 404, 409, 422)},
)
def scoop_suggestion(
    request: HttpRequest, slug: str, suggestion_id: int, data: ScoopIn
) -> Status[dict[str, Any]]:
    """Scoop a suggestion through the one scoop operation (a draft to review unless
    ``publish``); the page is read in the background."""
    candidate = _candidate(request, slug, suggestion_id)
    post = inbox.scoop(
        candidate, by=caller(request), insight=data.insight, tags=data.tags, publish=data.publish
    )
    return Status(
        201,
        {
            "postId": post.pk,
            "url": request.build_absolute_uri(post.get_absolute_url()),
            "editUrl": request.build_absolute_uri(f"{post.actions_path}edit/"),
        },
    )


@router.post(
    "/topics/{slug}/suggestions/{suggestion_id}/discard",
    response={204: None, **error_responses(400, 401, 403, 404, 422)},
)
def discard_suggestion(
    request: HttpRequest, slug: str, suggestion_id: int, data: DiscardIn
) -> Status[None]:
    """Discard a suggestion (a visitor's is refused with ``reason``, which they see)."""
    candidate = _candidate(request, slug, suggestion_id)
    inbox.discard(candidate, by=caller(request), reason=data.reason)
    return Status(204, None)
