"""Curators' corrections of an analysis: fix a quote's speaker, drop a quote or an actor
from a post, split an actor (a namesake), merge two actors.

Each is recorded (``Correction``) and applied at once; ``services.store`` applies the
post's corrections again after every analysis, and a merge moves the merged actor's keys
(``ActorAlias``) to the actor it joined, so the next analyses of any post find it there —
or, when the curator does not curate every topic naming them, only the topic's posts
(``services.topic_merges``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from glaneur.curation.access import (
    authenticated,
    can_curate,
    check_can_curate,
    check_can_edit_post,
)
from glaneur.curation.models import Post, Topic

from .analysis.text import name_key
from .models import Actor, ActorAlias, Correction, Mention, Quote
from .services import actor_for

if TYPE_CHECKING:
    from glaneur.curation.access import AnyUser


def _check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name or not name_key(name) or len(name) > 200:
        raise ValidationError(_("Give the name of the person who said it."))
    return name


@transaction.atomic
def fix_speaker(quote: Quote, name: str, *, by: AnyUser) -> Quote:
    """The quote was said by ``name`` (an actor found or made by that name)."""
    check_can_edit_post(by, quote.post)
    name = _check_name(name)
    key = name_key(name)
    Correction.objects.filter(
        post=quote.post, kind=Correction.Kind.SPEAKER, subject=quote.text
    ).delete()
    Correction.objects.create(
        topic_id=quote.post.topic_id,
        post=quote.post,
        kind=Correction.Kind.SPEAKER,
        subject=quote.text,
        target=key,
        target_name=name,
        by=authenticated(by),
    )
    actor = actor_for(key, name, Actor.Kind.PERSON)
    Mention.objects.get_or_create(post=quote.post, actor=actor)
    quote.speaker, quote.corrected = actor, True
    quote.save(update_fields=["speaker", "corrected"])
    return quote


@transaction.atomic
def drop_quote(quote: Quote, *, by: AnyUser) -> None:
    """Not a quote (a term, a title): gone now and after every analysis."""
    check_can_edit_post(by, quote.post)
    Correction.objects.create(
        topic_id=quote.post.topic_id,
        post=quote.post,
        kind=Correction.Kind.DROP_QUOTE,
        subject=quote.text,
        by=authenticated(by),
    )
    quote.delete()


def _keys(actor: Actor) -> list[str]:
    return list(ActorAlias.objects.filter(actor=actor).values_list("key", flat=True))


@transaction.atomic
def drop_actor(post: Post, actor: Actor, *, by: AnyUser) -> None:
    """Not an actor of this post (a place, a word taken for a name): its quotes there keep
    no speaker."""
    check_can_edit_post(by, post)
    user = authenticated(by)
    for key in _keys(actor):
        Correction.objects.create(
            topic_id=post.topic_id,
            post=post,
            kind=Correction.Kind.DROP_ACTOR,
            subject=key,
            by=user,
        )
    Mention.objects.filter(post=post, actor=actor).delete()
    Quote.objects.filter(post=post, speaker=actor).update(speaker=None)


@transaction.atomic
def split_actor(post: Post, actor: Actor, name: str, *, by: AnyUser) -> Actor:
    """In this post, ``actor`` is someone else (a namesake, or a person with another name):
    the post's mention and quotes go to an actor of their own."""
    check_can_edit_post(by, post)
    name = _check_name(name)
    user = authenticated(by)
    keys = _keys(actor)
    target = name_key(name)
    if target in keys:
        target = f"{target}~{post.topic.slug}"  # a namesake: one actor per topic
    new = actor_for(target, name, actor.kind)
    for key in keys:
        Correction.objects.create(
            topic_id=post.topic_id,
            post=post,
            kind=Correction.Kind.SPLIT,
            subject=key,
            target=target,
            target_name=name,
            by=user,
        )
    Mention.objects.filter(post=post, actor=actor).update(actor=new)
    Quote.objects.filter(post=post, speaker=actor).update(speaker=new)
    return new


@transaction.atomic
def merge_actors(source: Actor, into: Actor, *, topic: Topic, by: AnyUser) -> Actor:
    """``source`` and ``into`` are one: the source's names, mentions and quotes join
    ``into``, and its names stay merged for the next analyses. The curator must curate
    ``topic``, where both are named. The merge holds everywhere when the curator curates
    every topic that names either; otherwise only in ``topic`` (another topic's curators
    may know them as two people)."""
    check_can_curate(by, topic)
    if source.pk == into.pk:
        raise ValidationError(_("An actor cannot be merged with itself."))
    for actor in (source, into):
        if not Mention.objects.filter(actor=actor, post__topic=topic).exists():
            raise PermissionDenied(_("Both actors must be named in this topic."))
    Correction.objects.create(
        topic=topic,
        kind=Correction.Kind.MERGE,
        subject=" | ".join(_keys(source)),
        target=name_key(into.name),
        target_name=into.name,
        by=authenticated(by),
    )
    naming = Topic.objects.filter(
        pk__in=Mention.objects.filter(actor__in=[source, into]).values("post__topic")
    )
    everywhere = all(can_curate(by, other) for other in naming)
    if everywhere:
        ActorAlias.objects.filter(actor=source).update(actor=into)
    mentions = Mention.objects.filter(actor=source)
    quotes = Quote.objects.filter(speaker=source)
    if not everywhere:
        mentions, quotes = mentions.filter(post__topic=topic), quotes.filter(post__topic=topic)
    for mention in mentions:
        kept = Mention.objects.filter(post_id=mention.post_id, actor=into).first()
        if kept is None:
            mention.actor = into
            mention.save(update_fields=["actor"])
        else:
            Mention.objects.filter(pk=kept.pk).update(count=F("count") + mention.count)
            if mention.role and not kept.role:
                Mention.objects.filter(pk=kept.pk).update(
                    role=mention.role, organisation=mention.organisation
                )
            mention.delete()
    quotes.update(speaker=into)
    if everywhere or not Mention.objects.filter(actor=source).exists():
        source.delete()
    return into
