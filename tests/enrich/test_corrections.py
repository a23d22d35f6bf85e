"""Curators' corrections: kept when the post is analysed again, merges kept for the next
analyses, refused to who may not edit the post."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from glaneur.curation.models import Membership, Post, Topic
from glaneur.enrich import corrections, services
from glaneur.enrich.models import Actor, Correction, Mention, Quote
from tests.enrich.conftest import post_with
from tests.factories import make_topic, make_user

pytestmark = pytest.mark.django_db

TWO = (
    "« Les entreprises du bassin recrutent toute l'année », affirme Paul Girard, président "
    "du club d'entreprises. Marie Lenoir, conseillère à France Travail, ajoute : « Les "
    "candidats manquent surtout dans la logistique et le soin. »"
)


def again(post: Post) -> None:
    services.analyse_posts([post.pk], force=True)


def speakers(post: Post) -> list[str | None]:
    return [q.speaker.name if q.speaker else None for q in Quote.objects.filter(post=post)]


@pytest.fixture
def two(topic: Topic) -> Post:
    post = post_with(topic, TWO)
    again(post)
    assert speakers(post) == ["Paul Girard", "Marie Lenoir"]
    return post


def test_a_fixed_speaker_stays_after_a_new_analysis(two: Post) -> None:
    quote = Quote.objects.get(post=two, text__startswith="Les entreprises")
    corrections.fix_speaker(quote, "Marie Lenoir", by=two.topic.owner)
    assert speakers(two) == ["Marie Lenoir", "Marie Lenoir"]
    again(two)
    assert speakers(two) == ["Marie Lenoir", "Marie Lenoir"]
    assert Quote.objects.filter(post=two, corrected=True).count() == 1


def test_a_dropped_quote_and_a_dropped_actor_stay_dropped(two: Post) -> None:
    quote = Quote.objects.get(post=two, text__startswith="Les candidats")
    corrections.drop_quote(quote, by=two.topic.owner)
    paul = Actor.objects.get(name="Paul Girard")
    corrections.drop_actor(two, paul, by=two.topic.owner)
    again(two)
    assert speakers(two) == [None]
    assert not Mention.objects.filter(post=two, actor=paul).exists()


def test_a_split_actor_keeps_its_own_quotes(two: Post, topic: Topic) -> None:
    other = post_with(topic, "« Nous ouvrons un second site à Niort », annonce Paul Girard.")
    again(other)
    paul = Actor.objects.get(name="Paul Girard")
    namesake = corrections.split_actor(other, paul, "Paul Girard", by=topic.owner)
    assert namesake.pk != paul.pk
    again(other)
    again(two)
    assert Quote.objects.get(post=other).speaker == namesake
    assert Quote.objects.get(post=two, text__startswith="Les entreprises").speaker == paul


def test_merged_actors_stay_merged_in_the_next_analyses(two: Post, topic: Topic) -> None:
    other = post_with(topic, "« Le club compte désormais quatre-vingts membres », dit Pol Girard.")
    again(other)
    variant = Mention.objects.get(post=other, actor__kind="PER").actor
    paul = Actor.objects.get(name="Paul Girard")
    assert variant != paul
    corrections.merge_actors(variant, paul, topic=topic, by=topic.owner)
    third = post_with(topic, "« Nous visons cent membres », précise Pol Girard, président.")
    again(third)
    again(other)
    assert Quote.objects.get(post=third).speaker == paul
    assert Quote.objects.get(post=other).speaker == paul
    assert Correction.objects.filter(kind=Correction.Kind.MERGE).count() == 1


def test_a_merge_holds_only_in_the_topic_when_others_name_them_too(two: Post, topic: Topic) -> None:
    other = post_with(topic, "« Le club compte désormais quatre-vingts membres », dit Pol Girard.")
    again(other)
    elsewhere = make_topic(title="Une veille voisine", owner=make_user("voisine"))
    theirs = post_with(elsewhere, "« Nous visons cent membres », précise Pol Girard, président.")
    again(theirs)
    pol = Mention.objects.get(post=other, actor__kind="PER").actor
    paul = Actor.objects.get(name="Paul Girard")
    assert Mention.objects.get(post=theirs, actor__kind="PER").actor == pol
    # The curator of one topic merges them: in their topic only, since the other topic's
    # curator may know two people.
    corrections.merge_actors(pol, paul, topic=topic, by=topic.owner)
    assert Quote.objects.get(post=other).speaker == paul
    assert Quote.objects.get(post=theirs).speaker == pol
    again(other)
    again(theirs)
    assert Quote.objects.get(post=other).speaker == paul
    assert Quote.objects.get(post=theirs).speaker == pol
    assert Actor.objects.filter(pk=pol.pk).exists()
    # A curator of both topics merges them everywhere: the name joins for every analysis.
    Membership.objects.create(user=topic.owner, topic=elsewhere, role=Membership.Role.EDITOR)
    again(post_with(elsewhere, TWO))  # Paul Girard named there too
    corrections.merge_actors(pol, paul, topic=elsewhere, by=topic.owner)
    assert Quote.objects.get(post=theirs).speaker == paul
    assert not Actor.objects.filter(pk=pol.pk).exists()
    fourth = post_with(
        make_topic(title="Troisième veille"),
        "« Nous serons cent membres au printemps », dit Pol Girard.",
    )
    again(fourth)
    assert Quote.objects.get(post=fourth).speaker == paul


def test_who_may_not_edit_the_post_may_not_correct_it(two: Post, **_: Any) -> None:
    quote = Quote.objects.filter(post=two).first()
    assert quote is not None
    with pytest.raises(PermissionDenied):
        corrections.fix_speaker(quote, "Quelqu'un", by=make_user("passant"))
    with pytest.raises(PermissionDenied):
        corrections.drop_quote(quote, by=make_user("passant2"))
