"""The seed's four posts, imported then analysed: their four speakers with their roles, every
reported-speech passage attributed to the right one, and no term in guillemets taken."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from glaneur.curation.models import Post
from glaneur.enrich.models import Mention, Quote
from glaneur.transfer.services import import_scoopit

pytestmark = pytest.mark.django_db
SEED = Path(__file__).parents[2] / "src/glaneur/data/scoopit-topic-initiatives-locales.txt"

SPEAKERS = {
    "L’APEE de Poitiers": ("Sourabad Saïd Mohammed", "délégué général de l’APEE", "APEE"),
    "Agen": ("Laurence Martin", "référente formation – orientation", ""),
    "Gironde": ("Eric Buffo", "directeur", ""),
    "Deux-Sèvres": ("Eugénie Duval", "chef de projet emploi-formation", ""),
}

# Every reported-speech passage of each post, by its first words, in order.
QUOTES = {
    "L’APEE de Poitiers": [
        "Dans les quartiers relevant",
        "Personne n’est empêché",
        "Nous mettons en place nos actions",
        "C’est un gros travail",
        "Nous espérons cette année",
        "Dans l’immédiat, nous lançons",
        "Nous souhaitons également créer un prix",
    ],
    "Agen": [
        "La particularité du CARAP",
        "Tous les mois on se retrouvait",
        "Par la suite nous avons évolué",
        "Au-delà des actions",
        "Nous avons maintenu des permanences",
        "Nous constatons la plus-value",
        "Comme il s’agissait d’accompagnement renforcé",
        "Nous voulons aussi continuer",
    ],
    "Gironde": [
        "Nos élus ont considéré",
        "Nous avons rassemblé des collectivités",
        "Au départ, l’économie circulaire",
        "Pour nous c’est une porte d’entrée",
        "Nous avons développé tout un bouquet",
        "Nous n’avons encore rien engagé",
        "On est au début d’une aventure",
    ],
    "Deux-Sèvres": [
        "Nous sommes là pour piloter",
        "Nous mettons en place les outils",
        "Des embauches sont intervenues",
        "Il nous paraît important",
        "Le rallye est intéressant",
        "Nous envisageons de monter",
    ],
}

TERMS = [
    "politique de la ville",
    "droit commun",
    "qualifions nos talents",
    "Talents et entreprendre dans les quartiers",
    "d’accompagnement renforcé",
    "semaines d’accès à l’emploi",
    "croissant de pauvreté",
    "HotSpot",
    "supermarché inversé",
    "sourcing",
    "Rallye découverte des métiers",
    "Service à la personne à domicile",
]


@pytest.fixture
def seed(django_capture_on_commit_callbacks: Any) -> dict[str, Post]:
    with django_capture_on_commit_callbacks(execute=True):
        import_scoopit(SEED.read_text(encoding="utf-8"), source=str(SEED))
    posts = {}
    for post in Post.objects.all():
        prefix = next(p for p in SPEAKERS if post.title.startswith(p))
        posts[prefix] = post
    return posts


def test_the_four_speakers_are_found_with_their_roles(seed: dict[str, Post]) -> None:
    for prefix, (name, role, organisation) in SPEAKERS.items():
        mention = Mention.objects.select_related("actor").get(post=seed[prefix], actor__name=name)
        assert (mention.role, mention.organisation) == (role, organisation)
        people = Mention.objects.filter(post=seed[prefix], actor__kind="PER")
        assert [m.actor.name for m in people] == [name]


def test_every_reported_speech_passage_is_attributed_to_its_speaker(
    seed: dict[str, Post],
) -> None:
    for prefix, starts in QUOTES.items():
        quotes = Quote.objects.filter(post=seed[prefix], speaker__isnull=False)
        assert quotes.count() == len(starts)
        found = [
            (q.text[: len(start)], q.speaker.name if q.speaker else None)
            for q, start in zip(quotes, starts, strict=True)
        ]
        assert found == [(start, SPEAKERS[prefix][0]) for start in starts]


def test_no_term_in_guillemets_is_taken_for_a_quote(seed: dict[str, Post]) -> None:
    texts = list(Quote.objects.values_list("text", flat=True))
    for term in TERMS:
        assert not any(text.startswith(term) for text in texts), term
    # The motto of the Gironde post is Nouvel'R's, said by no person.
    motto = Quote.objects.filter(text__startswith="Transformer les déchets").first()
    assert motto is None or motto.speaker is None
