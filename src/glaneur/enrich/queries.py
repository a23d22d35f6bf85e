"""Read paths of the enrich pages, the API and the CLI: a post's quotes and actors, an
actor's page across the topics the reader may see, a topic's actors with their counts.

Who sees what is decided by ``curation.access`` alone: an actor's quotes from a private
topic are never shown to who may not see that topic."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from glaneur.curation.access import visible_posts, visible_posts_in
from glaneur.curation.models import Post, Topic

from .models import Actor, ActorAlias, Mention, Quote

if TYPE_CHECKING:
    from glaneur.curation.access import AnyUser


def post_quotes(post: Post) -> list[Quote]:
    return list(Quote.objects.filter(post=post).select_related("speaker"))


def post_mentions(post: Post) -> list[Mention]:
    return list(
        Mention.objects.filter(post=post)
        .select_related("actor")
        .order_by("actor__kind", "-count", "actor__name")
    )


def post_summary(post_id: int) -> dict[str, Any]:
    """A post's actors and quotes as plain data (``glaneur analyse --json``, export)."""
    post = Post(pk=post_id)
    return {
        "id": post_id,
        "actors": [
            {
                "name": m.actor.name,
                "slug": m.actor.slug,
                "kind": m.actor.kind,
                "role": m.role,
                "organisation": m.organisation,
            }
            for m in post_mentions(post)
        ],
        "quotes": [
            {
                "text": q.text,
                "speaker": q.speaker.name if q.speaker else None,
                "field": q.field,
                "start": q.start,
                "end": q.end,
                "how": q.how,
            }
            for q in post_quotes(post)
        ],
    }


@dataclass
class ActorPage:
    actor: Actor
    roles: list[Mention]  # one per post that gives a role, newest first
    quotes: list[Quote]
    posts: list[Post]


def actor_page(actor: Actor, user: AnyUser | None, *, limit: int = 100) -> ActorPage | None:
    """What ``user`` may see of an actor, across topics; None when nothing (the actor
    then does not exist for them)."""
    shown = visible_posts(user, prefix="post__")
    mentions = list(
        Mention.objects.filter(shown, actor=actor)
        .select_related("post__topic")
        .order_by("-post__curated_at")[:limit]
    )
    if not mentions:
        return None
    quotes = list(
        Quote.objects.filter(shown, speaker=actor)
        .select_related("post__topic")
        .order_by("-post__curated_at", "field", "start")[:limit]
    )
    return ActorPage(
        actor=actor,
        roles=[m for m in mentions if m.role or m.organisation],
        quotes=quotes,
        posts=[m.post for m in mentions],
    )


@dataclass
class TopicActor:
    actor: Actor
    posts: int
    quotes: int


def topic_actors(topic: Topic, user: AnyUser | None, *, limit: int = 200) -> list[TopicActor]:
    """The actors of a topic's posts that ``user`` may see, with their counts of posts and
    quotes, most present first (two queries however many actors)."""
    posts: QuerySet[Post] = Post.objects.filter(visible_posts_in(topic, user), topic=topic)
    rows = (
        Actor.objects.filter(mentions__post__in=posts)
        .annotate(post_count=Count("mentions__post", distinct=True))
        .order_by("-post_count", "name")[:limit]
    )
    actors = list(rows)
    said = dict(
        Quote.objects.filter(post__in=posts, speaker__in=[a.pk for a in actors])
        .values("speaker")
        .annotate(n=Count("pk"))
        .values_list("speaker", "n")
    )
    return [TopicActor(a, a.post_count, said.get(a.pk, 0)) for a in actors]


def actors_named(query: str, user: AnyUser | None, *, limit: int = 20) -> QuerySet[Actor]:
    """Actors whose name contains ``query``, among those of posts ``user`` may see."""
    visible = Mention.objects.filter(visible_posts(user, prefix="post__")).values("actor_id")
    return Actor.objects.filter(Q(name__icontains=query), pk__in=visible)[:limit]


@dataclass
class SearchedActor:
    actor: Actor
    quotes: list[Quote]  # the newest the reader may see
    quote_count: int


SEARCH_ACTORS = 3
SEARCH_QUOTES = 3
_OPERATORS = {"or", "and", "not", "ou", "et"}


def actors_for_search(
    query: str, user: AnyUser | None, *, topic: Topic | None = None
) -> list[SearchedActor]:
    """The people and organisations a search names, with their words: a search for
    "Laurence Martin" (or "martin", "Éric Buffo", "buffo") shows what they said, from the
    posts the reader may see (of ``topic`` only, on a topic's search). At most three
    actors, each with its three newest quotes: a bounded number of queries."""
    from .analysis.text import name_key

    words = [
        w
        for w in query.replace('"', " ").replace("(", " ").replace(")", " ").split()
        if not w.startswith(("#", "-")) and w.lower() not in _OPERATORS
    ]
    phrase = name_key(" ".join(words))
    if len(phrase) < 3:
        return []
    shown = visible_posts_in(topic, user) if topic else visible_posts(user)
    posts = Post.objects.filter(shown)
    if topic is not None:
        posts = posts.filter(topic=topic)
    named = ActorAlias.objects.filter(key__contains=phrase).values("actor_id")
    said = (
        Quote.objects.filter(post__in=posts, speaker_id__in=named)
        .values("speaker_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {row["speaker_id"]: row["n"] for row in said}
    if not counts:
        return []
    ranked = sorted(counts, key=lambda pk: -counts[pk])[:SEARCH_ACTORS]
    actors = Actor.objects.in_bulk(ranked)
    out = []
    for pk in ranked:
        quotes = list(
            Quote.objects.filter(post__in=posts, speaker_id=pk)
            .select_related("post__topic")
            .order_by("-post__curated_at", "field", "start")[:SEARCH_QUOTES]
        )
        out.append(SearchedActor(actors[pk], quotes, counts[pk]))
    return out
