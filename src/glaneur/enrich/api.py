"""Actors and quotes in the REST API: a post's voices, an actor, a topic's actors, and the
curators' corrections. Registered by the api app (``api.main``), which gives it its
authentication chain; this module imports nothing of the api app."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from glaneur.curation import access
from glaneur.curation.models import Post, Topic

from . import corrections, queries
from .models import Actor, Quote

router = Router(tags=["actors"])


class Problem(Schema):
    """An error, as every endpoint of the API answers it (``detail`` for people, ``code``
    stable)."""

    detail: str
    code: str


def errors(*statuses: int) -> dict[int, type[Problem]]:
    return dict.fromkeys(statuses, Problem)


class SpeakerOut(Schema):
    name: str
    slug: str


class QuoteOut(Schema):
    id: int
    text: str
    speaker: SpeakerOut | None
    field: str
    start: int
    end: int
    how: str
    corrected: bool
    postId: int


class MentionOut(Schema):
    name: str
    slug: str
    kind: str
    role: str
    organisation: str


class VoicesOut(Schema):
    actors: list[MentionOut]
    quotes: list[QuoteOut]


class RoleOut(Schema):
    role: str
    organisation: str
    postId: int
    curationDate: str


class ActorOut(Schema):
    name: str
    slug: str
    kind: str
    roles: list[RoleOut]
    quotes: list[QuoteOut]


class TopicActorOut(Schema):
    name: str
    slug: str
    kind: str
    posts: int
    quotes: int


class SpeakerIn(Schema):
    name: str


class MergeIn(Schema):
    into: str  # the slug of the actor that stays
    topic: str  # the slug of the topic where the curator merges them


def _caller(request: HttpRequest) -> Any:
    user: Any = getattr(request, "auth", None)
    return user if user is not None else request.user


def _quote_out(quote: Quote) -> dict[str, Any]:
    speaker = quote.speaker
    return {
        "id": quote.pk,
        "text": quote.text,
        "speaker": {"name": speaker.name, "slug": speaker.slug} if speaker else None,
        "field": quote.field,
        "start": quote.start,
        "end": quote.end,
        "how": quote.how,
        "corrected": quote.corrected,
        "postId": quote.post_id,
    }


def _visible_post(request: HttpRequest, post_id: int) -> Post:
    post = Post.objects.select_related("topic").filter(pk=post_id).first()
    if post is None or not access.can_view_post(_caller(request), post):
        raise Http404
    return post


def _quote(request: HttpRequest, quote_id: int) -> Quote:
    quote = Quote.objects.select_related("post__topic", "speaker").filter(pk=quote_id).first()
    if quote is None or not access.can_view_post(_caller(request), quote.post):
        raise Http404
    return quote


@router.get("/posts/{post_id}/voices", response={200: VoicesOut, **errors(401, 404, 422)})
def post_voices(request: HttpRequest, post_id: int) -> dict[str, Any]:
    """The actors named in a post and its quotes with their speakers."""
    post = _visible_post(request, post_id)
    return {
        "actors": [
            {
                "name": m.actor.name,
                "slug": m.actor.slug,
                "kind": m.actor.kind,
                "role": m.role,
                "organisation": m.organisation,
            }
            for m in queries.post_mentions(post)
        ],
        "quotes": [_quote_out(q) for q in queries.post_quotes(post)],
    }


@router.get("/actors/{slug}", response={200: ActorOut, **errors(401, 404, 422)})
def get_actor(request: HttpRequest, slug: str) -> dict[str, Any]:
    """An actor's roles and quotes, from the posts the caller may see."""
    actor = get_object_or_404(Actor, slug=slug)
    page = queries.actor_page(actor, _caller(request))
    if page is None:
        raise Http404
    return {
        "name": actor.name,
        "slug": actor.slug,
        "kind": actor.kind,
        "roles": [
            {
                "role": m.role,
                "organisation": m.organisation,
                "postId": m.post_id,
                "curationDate": m.post.curated_at.isoformat(),
            }
            for m in page.roles
        ],
        "quotes": [_quote_out(q) for q in page.quotes],
    }


@router.get("/topics/{slug}/actors", response={200: list[TopicActorOut], **errors(401, 404, 422)})
def list_topic_actors(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """A topic's actors with their counts of posts and quotes."""
    topic = get_object_or_404(Topic, slug=slug)
    if not access.can_view_topic(_caller(request), topic):
        raise Http404
    return [
        {
            "name": row.actor.name,
            "slug": row.actor.slug,
            "kind": row.actor.kind,
            "posts": row.posts,
            "quotes": row.quotes,
        }
        for row in queries.topic_actors(topic, _caller(request))
    ]


@router.put(
    "/quotes/{quote_id}/speaker", response={200: QuoteOut, **errors(400, 401, 403, 404, 422)}
)
def set_speaker(request: HttpRequest, quote_id: int, body: SpeakerIn) -> dict[str, Any]:
    """Fix who said a quote (kept when the post is analysed again)."""
    quote = corrections.fix_speaker(_quote(request, quote_id), body.name, by=_caller(request))
    return _quote_out(quote)


@router.delete("/quotes/{quote_id}", response={204: None, **errors(401, 403, 404, 422)})
def delete_quote(request: HttpRequest, quote_id: int) -> Status[None]:
    """Not a quote: dropped now and after every analysis."""
    corrections.drop_quote(_quote(request, quote_id), by=_caller(request))
    return Status(204, None)


@router.post("/actors/{slug}/merge", response={200: ActorOut, **errors(400, 401, 403, 404, 422)})
def merge_actor(request: HttpRequest, slug: str, body: MergeIn) -> dict[str, Any]:
    """Merge this actor into another one (its names stay merged for the next analyses)."""
    source = get_object_or_404(Actor, slug=slug)
    into = get_object_or_404(Actor, slug=body.into)
    topic = get_object_or_404(Topic, slug=body.topic)
    if not access.can_view_topic(_caller(request), topic):
        raise Http404
    corrections.merge_actors(source, into, topic=topic, by=_caller(request))
    return get_actor(request, into.slug)
