"""Find what a request may see: the caller, a topic, a post, a page of rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from glaneur.curation import access, services
from glaneur.curation.models import Post, Topic
from glaneur.curation.queries import with_card_data

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from glaneur.curation.services import AnyUser

    from .schemas import Paging

M = TypeVar("M", bound=Model)


def caller(request: HttpRequest) -> AnyUser:
    """The user the auth chain settled on (AnonymousUser on open read endpoints)."""
    user: Any = getattr(request, "auth", None)
    return user if user is not None else request.user


def signed_in(request: HttpRequest) -> User:
    return services.authenticated(caller(request))


def visible_topic(request: HttpRequest, slug: str) -> Topic:
    """The topic, or 404 when it does not exist or is private to the caller (as pages do)."""
    topic = Topic.objects.select_related("owner").filter(slug=slug).first()
    if topic is None or not access.can_view_topic(caller(request), topic):
        raise Http404
    return topic


def is_curator(request: HttpRequest, topic: Topic) -> bool:
    return access.can_curate(caller(request), topic)


def visible_post(request: HttpRequest, topic: Topic, post_id: int) -> Post:
    """A post of the topic; a draft or scheduled post exists only for those who may edit it
    (access.py), as on the pages."""
    post = with_card_data(Post.objects.filter(topic=topic)).filter(pk=post_id).first()
    if post is None:
        raise Http404
    post.topic = topic
    if not access.can_view_post(caller(request), post):
        raise Http404
    return post


@dataclass
class Page(Generic[M]):
    rows: list[M]
    count: int
    page: int
    per_page: int

    @property
    def next(self) -> int | None:
        return self.page + 1 if self.page * self.per_page < self.count else None

    def envelope(self, items: list[Any]) -> dict[str, Any]:
        return {
            "count": self.count,
            "page": self.page,
            "perPage": self.per_page,
            "next": self.next,
            "items": items,
        }


def paginate(rows: QuerySet[M], paging: Paging) -> Page[M]:
    start = (paging.page - 1) * paging.perPage
    return Page(
        rows=list(rows[start : start + paging.perPage]),
        count=rows.count(),
        page=paging.page,
        per_page=paging.perPage,
    )
