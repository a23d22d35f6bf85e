"""Request and response bodies of the API.

Field names are camelCase and follow Scoop.it's API where the thing is the same
(``curationDate``, ``publicationDate``, ``insight``, ``htmlInsight``, ``imageUrl``), so that
scripts written for Scoop.it need few changes; dates are ISO 8601 strings, not milliseconds.
"""

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from ninja import Field, Schema
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ModelWrapValidatorHandler,
    model_validator,
)

SLUG_PATTERN = r"^[-\w]+$"
Slug = Annotated[str, Field(pattern=SLUG_PATTERN, min_length=1, max_length=100)]
PostId = Annotated[int, Field(ge=1, le=2**53)]
Visibility = Literal["public", "unlisted", "private"]
Language = Literal["fr", "en"]
PostStatus = Literal["published", "draft", "scheduled", "pending"]  # pending: awaiting approval
PostState = Literal["queued", "fetching", "ready", "failed", "blocked"]

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
EARLIEST, LATEST = datetime(1900, 1, 1, tzinfo=UTC), datetime(2999, 12, 31, tzinfo=UTC)


def _in_range(value: datetime) -> datetime:
    """Aware (naive means the site's time zone) and within years any database stores."""
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        value = value.astimezone(UTC)
    except (OverflowError, ValueError) as exc:
        raise ValueError("date out of range") from exc
    if not EARLIEST <= value <= LATEST:
        raise ValueError("dates must lie between the years 1900 and 2999")
    return value


def _web_url(value: str) -> str:
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except DjangoValidationError as exc:
            raise ValueError("not an http(s) web address") from exc
    return value


def _iso_only(value: Any) -> Any:
    # pydantic would read numbers as Unix timestamps; the schema promises ISO 8601.
    if not isinstance(value, datetime | str) or (
        isinstance(value, str) and not ISO_DATE.match(value)
    ):
        raise ValueError("expected an ISO 8601 date, e.g. 2025-03-01 or 2025-03-01T09:30:00+01:00")
    return value


DateTime = Annotated[datetime, BeforeValidator(_iso_only), AfterValidator(_in_range)]
WebUrl = Annotated[
    str, Field(max_length=2000, json_schema_extra={"format": "uri"}), AfterValidator(_web_url)
]
TagName = Annotated[str, Field(min_length=1, max_length=100)]
Tags = Annotated[list[TagName], Field(max_length=50)]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [item for inner in value for item in _strings(inner)]
    if isinstance(value, dict):
        return [item for inner in value.values() for item in _strings(inner)]
    return []


class Input(Schema):
    """A JSON object (ninja would read fields as attributes of anything else: ``"abc"``
    would give ``title="Abc"``); NUL characters, which PostgreSQL cannot store, are refused."""

    @model_validator(mode="wrap")
    @classmethod
    def _an_object(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        if not isinstance(data, dict | BaseModel):
            raise ValueError("expected a JSON object")
        return handler(data)

    @model_validator(mode="after")
    def _no_nul(self) -> "Input":
        if any("\x00" in text for text in _strings(dict(self))):
            raise ValueError("text must not contain NUL characters")
        return self


# --- responses ------------------------------------------------------------------------


class UserOut(Schema):
    username: str
    name: str


class TagOut(Schema):
    name: str
    slug: str


class TagCountOut(TagOut):
    count: int


class TopicOut(Schema):
    slug: str
    title: str
    description: str
    language: str
    visibility: Visibility
    owner: UserOut
    createdAt: datetime
    postCount: int
    followerCount: int
    pageUrl: str


class TopicDetailOut(TopicOut):
    role: Literal["owner", "editor", "contributor"] | None = Field(
        description="The caller's role in the topic, null for readers."
    )


class TopicPage(Schema):
    count: int
    page: int
    perPage: int
    next: int | None
    items: list[TopicOut]


class MemberOut(Schema):
    user: UserOut
    role: Literal["owner", "editor", "contributor"]
    since: datetime


class PostRef(Schema):
    id: int
    topic: str
    title: str
    pageUrl: str


class PostOut(Schema):
    id: int
    topic: str = Field(description="The topic's slug.")
    title: str
    url: str
    slug: str
    summary: str
    insight: str = Field(description="The curator's insight, in Markdown.")
    htmlInsight: str
    imageUrl: str
    siteName: str
    author: str
    via: str
    language: str
    publicationDate: datetime | None = Field(description="When the source published it.")
    curationDate: datetime
    curatedBy: UserOut | None
    tags: list[TagOut]
    pinned: bool
    status: PostStatus
    publishAt: datetime | None
    state: PostState = Field(description="Where fetching and extraction of the source stand.")
    stateError: str = Field(description="Why fetching failed; shown to the topic's curators.")
    commentCount: int
    origin: PostRef | None = Field(description="The post this one was rescooped from.")
    rescoopedFrom: str
    pageUrl: str
    updatedAt: datetime


class PostPage(Schema):
    count: int
    page: int
    perPage: int
    next: int | None
    items: list[PostOut]


class CommentOut(Schema):
    id: int
    author: UserOut | None
    authorName: str
    text: str
    createdAt: datetime
    hidden: bool
    isCuratorInsight: bool


class CommentPage(Schema):
    count: int
    page: int
    perPage: int
    next: int | None
    items: list[CommentOut]


class FollowOut(Schema):
    topic: TopicOut
    since: datetime


class MeOut(Schema):
    username: str
    name: str
    authenticatedBy: Literal["token", "session"]


# --- requests -------------------------------------------------------------------------


class Paging(Input):
    page: int = Field(1, ge=1, le=10_000)
    perPage: int = Field(20, ge=1, le=100)


class TopicFilters(Paging):
    mine: bool = Field(False, description="Only topics the caller curates.")


class PostFilters(Paging):
    tag: list[Slug] = Field([], max_length=10, description="Tag slugs; posts carry all of them.")
    state: PostState | None = None
    status: PostStatus | None = Field(
        None,
        description=(
            "Drafts and scheduled posts are listed only for those who may edit them: the "
            "topic's owner and editors, and the contributor who curated each."
        ),
    )
    since: DateTime | None = Field(None, description="Curated at or after.")
    until: DateTime | None = Field(None, description="Curated before.")


class TagQuery(Input):
    limit: int = Field(20, ge=1, le=100)


class TopicIn(Input):
    title: str = Field(min_length=1, max_length=200, pattern=r"\S")
    slug: Slug | None = Field(None, description="Made from the title when omitted.")
    description: str = Field("", max_length=5000)
    language: Language = "fr"
    visibility: Visibility = "public"


class TopicUpdateIn(Input):
    """Omitted or null fields keep their value."""

    title: str | None = Field(None, min_length=1, max_length=200, pattern=r"\S")
    description: str | None = Field(None, max_length=5000)
    language: Language | None = None
    visibility: Visibility | None = None


class MemberIn(Input):
    username: str = Field(min_length=1, max_length=150)
    role: Literal["editor", "contributor"]


class PostFields(Input):
    url: WebUrl = ""
    summary: str = Field("", max_length=20_000)
    insight: str = Field("", max_length=20_000, description="Markdown.")
    imageUrl: WebUrl = ""
    siteName: str = Field("", max_length=200)
    author: str = Field("", max_length=200)
    publicationDate: DateTime | None = None
    pinned: bool = False
    tags: Tags = []


class PostIn(PostFields):
    title: str = Field(min_length=1, max_length=500, pattern=r"\S")
    status: Literal["published", "draft"] = "published"


class PostUpdateIn(Input):
    """Omitted or null fields keep their value, except ``publicationDate``: null clears it."""

    title: str | None = Field(None, min_length=1, max_length=500, pattern=r"\S")
    url: WebUrl | None = None
    summary: str | None = Field(None, max_length=20_000)
    insight: str | None = Field(None, max_length=20_000)
    imageUrl: WebUrl | None = None
    siteName: str | None = Field(None, max_length=200)
    author: str | None = Field(None, max_length=200)
    publicationDate: DateTime | None = None
    pinned: bool | None = None
    tags: Tags | None = None


class ScoopIn(Input):
    url: str = Field(
        min_length=1,
        max_length=2000,
        description="An http(s) address.",
        json_schema_extra={"format": "uri"},
    )
    title: str = Field("", max_length=500, description="Replaced by the page's own title.")
    insight: str = Field("", max_length=20_000)
    tags: Tags = []
    status: Literal["published", "draft"] = "published"
    publishAt: DateTime | None = Field(None, description="Schedule publication.")


class PublishIn(Input):
    at: DateTime | None = Field(None, description="Schedule for this time; now when omitted.")


class RescoopIn(Input):
    into: Slug = Field(description="The slug of a topic the caller curates.")
    insight: str = Field("", max_length=20_000)


class CommentIn(Input):
    text: str = Field(min_length=1, max_length=5000)


class CommentUpdateIn(Input):
    hidden: bool
