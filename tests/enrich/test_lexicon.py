"""The lexicon that stands in for the morphologizer, and the gated ruler that stands in for
spaCy's entity ruler: each decides as the model or the ruler would on the cases that matter."""

from __future__ import annotations

import pytest

from glaneur.enrich.analysis import lexicon, nlp
from tests.enrich.quality import HELD_OUT, articles


@pytest.mark.parametrize(
    ("word", "previous", "finite"),
    [
        ("souligne", ",", True),  # first group, present (the tables' rules miss -e)
        ("renoncent", "jeunes", True),
        ("qualifions", "«", True),
        ("est", "il", True),  # an auxiliary
        ("forme", "il", True),  # a noun too: a verb after a pronoun
        ("forme", "la", False),  # … a noun after a determiner
        ("forme", "nouvelle", False),  # … and a noun elsewhere
        ("entreprise", "en", False),
        ("expliqué", "a", False),  # a participle
        ("accompagner", "pour", False),  # an infinitive
        ("accompagnant", "en", False),
        ("commun", "droit", False),
        ("Limoges", "de", False),  # a proper noun
        ("Nous", "«", False),
    ],
)
def test_a_finite_verb_is_told_from_the_word_and_the_one_before(
    word: str, previous: str, finite: bool
) -> None:
    assert lexicon.is_finite_verb(word, previous) is finite


@pytest.mark.parametrize(
    ("word", "previous", "noun"),
    [
        ("directrice", ",", True),
        ("viticulteur", "Un", True),
        ("encadrant", ",", True),  # a noun in -ant is one
        ("revient", "Castaing", False),  # a verb that is also a noun, after a name
        ("voit", "y", False),
        ("le", ",", False),  # a function word the tables list as a noun
    ],
)
def test_a_common_noun_beside_a_name(word: str, previous: str, noun: bool) -> None:
    assert lexicon.is_common_noun(word, previous) is noun


@pytest.mark.parametrize(
    ("word", "previous", "keyword"),
    [
        ("espace", "nouvel", True),
        ("parcours", "leur", True),
        ("fablab", "un", True),  # no table knows it: new words are nouns
        ("Niort", "de", True),
        ("explique", ",", False),
        ("voulons", "Nous", False),
        ("accueillir", "de", False),
        ("accompagné", "est", False),
        ("notamment", "et", False),  # an adverb
        ("les", "de", False),
    ],
)
def test_keywords_are_nouns_adjectives_and_proper_nouns(
    word: str, previous: str, keyword: bool
) -> None:
    assert lexicon.is_keyword(word, previous) is keyword


def test_the_gated_ruler_finds_what_spacys_entity_ruler_finds() -> None:
    """The bodies (France Travail, Mission locale de X…) are matched only where a pattern's
    first word is; spaCy's own entity ruler, over every token, must find the same
    entities on every annotated article."""
    import spacy

    ours = nlp.load()
    theirs = spacy.load(nlp.MODEL, exclude=nlp.EXCLUDED)
    ruler = theirs.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True})
    ruler.add_patterns(nlp.ruler_patterns())  # type: ignore[attr-defined]
    texts = [a["text"] for a in articles() + articles(HELD_OUT)]
    bodies = 0
    for text in texts:
        expected = [(e.start_char, e.end_char, e.label_) for e in theirs(text).ents]
        found = [(e.start_char, e.end_char, e.label_) for e in ours(text).ents]
        assert found == expected, text[:60]
        bodies += len(ours.get_pipe("glaneur_bodies")(ours.make_doc(text)).ents)
    assert bodies >= 20  # the articles name many bodies: the comparison is not empty
