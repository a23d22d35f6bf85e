"""Places in the REST API: a post's places and the curators' corrections, a topic's places.
Registered by the api app (``api.main``), which gives it its authentication chain; this
module imports nothing of the api app."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from glaneur.curation import access
from glaneur.curation import queries as curation_queries
from glaneur.curation.models import Post, Topic

from . import queries, services
from .models import PostPlace

router = Router(tags=["places"])


class Problem(Schema):
    """An error, as every endpoint of the API answers it."""

    detail: str
    code: str


def errors(*statuses: int) -> dict[int, type[Problem]]:
    return dict.fromkeys(statuses, Problem)


class PlaceOut(Schema):
    kind: str  # commune, department or region
    code: str  # INSEE code
    lieu: str  # the value of ?lieu= on the topic page
    name: str
    department: str
    region: str
    weight: float
    mentions: int
    inStory: bool  # named outside an organisation's name
    source: str  # text or person
    removed: bool  # dropped by a curator (kept so that no analysis brings it back)


class TopicPlaceOut(Schema):
    kind: str
    code: str
    lieu: str
    name: str
    posts: int


def _caller(request: HttpRequest) -> Any:
    user: Any = getattr(request, "auth", None)
    return user if user is not None else request.user


def _topic(request: HttpRequest, slug: str) -> Topic:
    topic = Topic.objects.filter(slug=slug).first()
    if topic is None or not access.can_view_topic(_caller(request), topic):
        raise Http404
    return topic


def _post(request: HttpRequest, slug: str, post_id: int) -> Post:
    topic = _topic(request, slug)
    post = Post.objects.filter(topic=topic, pk=post_id).first()
    if post is None or not access.can_view_post(_caller(request), post):
        raise Http404
    return post


def _out(place: PostPlace) -> dict[str, Any]:
    return {
        "kind": place.kind,
        "code": place.code,
        "lieu": queries.Lieu(place.kind, place.code).param,
        "name": place.name,
        "department": place.department,
        "region": place.region,
        "weight": place.weight,
        "mentions": place.mentions,
        "inStory": place.in_story,
        "source": place.source,
        "removed": place.removed,
    }


@router.get(
    "/topics/{slug}/posts/{post_id}/places", response={200: list[PlaceOut], **errors(401, 404, 422)}
)
def post_places(request: HttpRequest, slug: str, post_id: int) -> list[dict[str, Any]]:
    """The places a post names, with INSEE codes; curators' corrections included."""
    post = _post(request, slug, post_id)
    rows = PostPlace.objects.filter(post=post).order_by("removed", "-weight", "name")
    return [_out(place) for place in rows]


def _correct(
    request: HttpRequest, slug: str, post_id: int, kind: str, code: str, keep: bool
) -> dict[str, Any]:
    post = _post(request, slug, post_id)
    if kind not in PostPlace.Kind.values:
        raise Http404
    try:
        place = services.correct_place(post, by=_caller(request), kind=kind, code=code, keep=keep)
    except ValueError as error:
        raise Http404 from error
    return _out(place)


@router.put(
    "/topics/{slug}/posts/{post_id}/places/{kind}/{code}",
    response={200: PlaceOut, **errors(401, 403, 404, 422)},
)
def keep_place(
    request: HttpRequest, slug: str, post_id: int, kind: str, code: str
) -> dict[str, Any]:
    """A curator says the post is about this place (kept across analyses)."""
    return _correct(request, slug, post_id, kind, code, keep=True)


@router.delete(
    "/topics/{slug}/posts/{post_id}/places/{kind}/{code}",
    response={204: None, **errors(401, 403, 404, 422)},
)
def drop_place(request: HttpRequest, slug: str, post_id: int, kind: str, code: str) -> Status[None]:
    """A curator says the post is not about this place (kept across analyses)."""
    _correct(request, slug, post_id, kind, code, keep=False)
    return Status(204, None)


@router.get("/topics/{slug}/places", response={200: list[TopicPlaceOut], **errors(401, 404, 422)})
def topic_places(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """Where a topic's published posts take place: each department and commune with its
    number of posts (the map's figures)."""
    topic = _topic(request, slug)
    the_map = queries.topic_map(curation_queries.published_posts(topic))
    out: list[dict[str, Any]] = [
        {"kind": "department", "code": a.code, "lieu": a.code, "name": a.name, "posts": a.posts}
        for a in sorted(the_map.areas, key=lambda a: (-a.posts, a.name))
        if a.posts
    ]
    out += [
        {"kind": "commune", "code": p.code, "lieu": p.code, "name": p.name, "posts": p.posts}
        for p in the_map.points
    ]
    out += [
        {"kind": "region", "code": code, "lieu": f"r{code}", "name": name, "posts": n}
        for code, name, n in the_map.regions
    ]
    return out
