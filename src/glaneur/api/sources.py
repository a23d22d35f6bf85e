"""A topic's sources and its engine settings in the REST API (curators): list, add, remove,
poll now, OPML import and export, engine settings. Registered by the api app
(``api.main``), which gives it its authentication chain and error handlers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from glaneur.curation.models import Topic
from glaneur.sources import opml, services
from glaneur.sources.models import EngineSettings, Source

from .access import caller, paginate, visible_topic
from .errors import ApiError, error_responses
from .schemas import Input, Paging, Slug

router = Router(tags=["sources"])

SourceId = Annotated[int, Field(ge=1, le=2**53)]
OPML_TYPES = ("text/x-opml", "application/xml", "text/xml")


class SourceOut(Schema):
    id: int
    kind: str  # feed, page or keyword
    url: str  # empty for a keyword
    keyword: str  # empty for a feed or a page
    title: str
    feedUrl: str  # a page's feed, found by autodiscovery
    lastPoll: datetime | None
    nextPoll: datetime | None  # None for a keyword: it matches what the others find
    itemsFound: int
    inError: bool
    errorCount: int  # failures in a row
    lastError: str  # in words
    createdDate: datetime


class SourcePage(Schema):
    count: int
    page: int
    perPage: int
    next: int | None
    items: list[SourceOut]


class SourceIn(Input):
    address: str = Field(
        min_length=1,
        max_length=2000,
        description="A feed or page address, or words to watch (a keyword).",
    )
    kind: Literal["feed", "page", "keyword"] | None = Field(
        None, description="Guessed when left out: an address is a feed, anything else a keyword."
    )
    title: str = Field("", max_length=300)


class PollIn(Input):
    sources: list[int] | None = Field(
        None, description="The sources to poll; all the topic's feeds and pages when left out."
    )


class PollOut(Schema):
    queued: list[int]  # the sources the worker polls now


class ImportOut(Schema):
    added: list[SourceOut]
    skipped: list[str]  # addresses and keywords the topic already watched


class EngineOut(Schema):
    keywords: list[str]
    includedDomains: list[str]
    excludedDomains: list[str]
    allWords: list[str]
    anyWords: list[str]
    noneWords: list[str]
    maxAgeDays: int
    sort: str
    visitorSuggestions: bool


Words = list[str] | None


class EngineIn(Input):
    """Fields left out are unchanged."""

    keywords: Words = None
    includedDomains: Words = None
    excludedDomains: Words = None
    allWords: Words = None
    anyWords: Words = None
    noneWords: Words = None
    maxAgeDays: int | None = Field(None, ge=1, le=services.MAX_AGE_DAYS)
    sort: Literal["relevance", "freshness"] | None = None
    visitorSuggestions: bool | None = Field(
        None, description="Only the topic's owner and editors may change it."
    )


# API name -> EngineSettings field; lists are stored one entry a line.
ENGINE_NAMES = {
    "keywords": "keywords",
    "includedDomains": "included_domains",
    "excludedDomains": "excluded_domains",
    "allWords": "all_words",
    "anyWords": "any_words",
    "noneWords": "none_words",
    "maxAgeDays": "max_age_days",
    "sort": "sort",
    "visitorSuggestions": "visitor_suggestions",
}


def _topic(request: HttpRequest, slug: str) -> Topic:
    """The topic, if the caller manages its sources (404 for who may not even see it)."""
    topic = visible_topic(request, slug)
    services.check_can_change_sources(caller(request), topic)
    return topic


def _source(topic: Topic, source_id: int) -> Source:
    source = Source.objects.filter(topic=topic, pk=source_id).first()
    if source is None:
        raise Http404
    source.topic = topic
    return source


def _out(source: Source) -> dict[str, Any]:
    keyword = source.kind == Source.Kind.KEYWORD
    return {
        "id": source.pk,
        "kind": source.kind,
        "url": source.url,
        "keyword": source.query,
        "title": source.title,
        "feedUrl": source.feed_url,
        "lastPoll": source.last_polled_at,
        "nextPoll": None if keyword else source.next_poll_at,
        "itemsFound": source.items_found,
        "inError": source.in_error,
        "errorCount": source.error_count,
        "lastError": source.last_error,
        "createdDate": source.created_at,
    }


def _engine_out(engine: EngineSettings) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, field in ENGINE_NAMES.items():
        value = getattr(engine, field)
        out[name] = value.splitlines() if isinstance(value, str) and field != "sort" else value
    return out


@router.get(
    "/topics/{slug}/sources", response={200: SourcePage, **error_responses(401, 403, 404, 422)}
)
def list_sources(request: HttpRequest, slug: Path[Slug], paging: Query[Paging]) -> dict[str, Any]:
    """The topic's sources and their polling state (curators)."""
    topic = _topic(request, slug)
    page = paginate(Source.objects.filter(topic=topic).order_by("pk"), paging)
    return page.envelope([_out(s) for s in page.rows])


@router.post(
    "/topics/{slug}/sources",
    response={201: SourceOut, **error_responses(400, 401, 403, 404, 409, 422)},
)
def create_source(
    request: HttpRequest, slug: Path[Slug], payload: SourceIn
) -> Status[dict[str, Any]]:
    """Watch a feed, a web page or a keyword; polled within minutes. 409 when the topic
    already watches it."""
    topic = _topic(request, slug)
    try:
        source = services.add_source(
            topic, caller(request), payload.address, kind=payload.kind, title=payload.title
        )
    except services.DuplicateSource as exc:
        raise ApiError(409, "duplicate", exc.messages[0]) from exc
    return Status(201, _out(source))


@router.get(
    "/topics/{slug}/sources/opml",
    response={200: None, **error_responses(401, 403, 404, 422)},
    openapi_extra={
        "responses": {
            "200": {
                "description": "OPML 2.0",
                "content": {"text/x-opml": {"schema": {"type": "string"}}},
            }
        }
    },
)
def export_sources(request: HttpRequest, slug: Path[Slug]) -> HttpResponse:
    """The topic's sources as an OPML 2.0 document."""
    topic = _topic(request, slug)
    response = HttpResponse(services.export_opml(topic), content_type="text/x-opml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{topic.slug}-sources.opml"'
    return response


@router.post(
    "/topics/{slug}/sources/opml",
    response={201: ImportOut, **error_responses(401, 403, 404, 413, 415, 422)},
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "An OPML file, as the body (Content-Type text/x-opml or XML).",
            "content": {t: {"schema": {"type": "string"}} for t in OPML_TYPES},
        }
    },
)
def import_sources(request: HttpRequest, slug: Path[Slug]) -> Status[dict[str, Any]]:
    """Add the sources of an OPML file (categories flattened; those already watched are
    skipped). All or nothing: a bad file answers 422 naming its line."""
    topic = _topic(request, slug)
    content_type = request.content_type or ""
    if content_type not in OPML_TYPES:
        raise ApiError(
            415, "unsupported_media_type", _("Send the OPML file as text/x-opml or XML.")
        )
    if len(request.body) > opml.MAX_BYTES:
        raise ApiError(
            413,
            "too_large",
            _("The file is too large (at most %(mb)d MB).") % {"mb": opml.MAX_BYTES // 2**20},
        )
    report = services.import_opml(topic, caller(request), request.body)
    return Status(201, {"added": [_out(s) for s in report.added], "skipped": report.skipped})


@router.post(
    "/topics/{slug}/sources/poll",
    response={202: PollOut, **error_responses(400, 401, 403, 404, 422, 429)},
)
def poll_sources(request: HttpRequest, slug: Path[Slug], payload: PollIn) -> Status[dict[str, Any]]:
    """Poll now (in the worker): whatever the sources' interval, never before a site's
    Retry-After. Limited per topic and hour (429)."""
    topic = _topic(request, slug)
    if payload.sources is not None:
        for source_id in payload.sources:
            _source(topic, source_id)
    queued = services.poll_now(topic, caller(request), payload.sources)
    return Status(202, {"queued": queued})


@router.get(
    "/topics/{slug}/sources/{source_id}",
    response={200: SourceOut, **error_responses(401, 403, 404, 422)},
)
def get_source(request: HttpRequest, slug: Path[Slug], source_id: Path[SourceId]) -> dict[str, Any]:
    """One source and its polling state."""
    return _out(_source(_topic(request, slug), source_id))


@router.delete(
    "/topics/{slug}/sources/{source_id}",
    response={204: None, **error_responses(401, 403, 404, 422)},
)
def delete_source(
    request: HttpRequest, slug: Path[Slug], source_id: Path[SourceId]
) -> Status[None]:
    """Stop watching a source (the suggestions it found stay)."""
    source = _source(_topic(request, slug), source_id)
    services.remove_source(source, caller(request))
    return Status(204, None)


@router.get(
    "/topics/{slug}/engine", response={200: EngineOut, **error_responses(401, 403, 404, 422)}
)
def get_engine(request: HttpRequest, slug: Path[Slug]) -> dict[str, Any]:
    """The suggestion engine's settings of the topic (curators)."""
    return _engine_out(services.engine_settings(_topic(request, slug)))


@router.put(
    "/topics/{slug}/engine", response={200: EngineOut, **error_responses(400, 401, 403, 404, 422)}
)
def put_engine(request: HttpRequest, slug: Path[Slug], payload: EngineIn) -> dict[str, Any]:
    """Change the engine's settings (fields left out are unchanged). Turning visitors'
    suggestions on or off is for the topic's owner and editors."""
    topic = _topic(request, slug)
    fields: dict[str, Any] = {}
    for name, value in payload.dict().items():
        if value is None:
            continue
        field = ENGINE_NAMES[name]
        fields[field] = "\n".join(value) if isinstance(value, list) else value
    return _engine_out(services.update_engine_settings(topic, caller(request), **fields))
