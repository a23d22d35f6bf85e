"""Parsing what people type: every string gives a query, malformed ones degrade to words."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glaneur.search import analysis
from glaneur.search.backends.postgres import tsquery
from glaneur.search.backends.sqlite import match_expression
from glaneur.search.query_language import And, Either, Or, Phrase, parse
from glaneur.search.services import search


def test_words_are_anded() -> None:
    tree = parse("emplois jeunes").tree
    assert tree == And((Phrase(("emploi",)), Phrase(("jeun",))))


def test_a_word_carries_its_english_spelling_when_it_differs() -> None:
    tree = parse("hiring").tree
    assert isinstance(tree, Either)
    assert Phrase(("hire",)) in tree.options


def test_phrase_keeps_stop_words_in_order() -> None:
    assert parse('"mission locale de Bordeaux"').tree == Either(
        (
            Phrase(("mission", "local", "de", "bordeau")),
            Phrase(("mission", "local", "de", "bordeaux")),
        )
    )


def test_tag_exclusion_or_and_parentheses() -> None:
    tree = parse("(#Emploi OR formation) -jeunes").tree
    assert isinstance(tree, And)
    assert isinstance(tree.include[0], Or)
    assert tree.include[0].children[0] == Phrase(("tagemploi",), tag=True)
    assert tree.exclude == (Phrase(("jeun",)),)


def test_stop_words_alone_are_dropped() -> None:
    assert parse("de la").tree is None
    assert parse("l'emploi").tree == Phrase(("emploi",))


@pytest.mark.parametrize(
    ("typed", "same_as"),
    [
        ('"mission locale', "mission locale"),
        ("(insertion emploi", "insertion emploi"),
        ("insertion) emploi)", "insertion emploi"),
        ("OR emploi OR", "emploi"),
        ("emploi - jeunes", "emploi jeunes"),
        ("emploi -", "emploi"),
        ("#", ""),
        ("!!! ??? ...", ""),
        ("-jeunes", ""),
    ],
)
def test_malformed_queries_degrade_to_words(typed: str, same_as: str) -> None:
    assert parse(typed).tree == parse(same_as).tree


@given(st.text(max_size=200))
def test_any_string_parses_and_compiles(text: str) -> None:
    query = parse(text)
    if query.tree is not None:
        assert match_expression(query.tree)
        assert tsquery(query.tree)


QUERY_ALPHABET = st.sampled_from(
    ['"', "(", ")", "-", "#", "OR", " ", "emploi", "é", "'", "*", ":", "^", "NOT", "AND", "NEAR",
     "{", "}", "+", "\\", "\x00", "jeunes", "'; DROP TABLE x; --", "&", "|", "!", "<->"]
)  # fmt: skip


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.one_of(st.text(max_size=80), st.lists(QUERY_ALPHABET, max_size=12).map("".join)))
def test_any_string_searches_without_error(db: Any, text: str) -> None:
    page = search(text)
    assert page.hits == []


def test_terms_say_what_an_extract_must_show() -> None:
    query = parse("économie (jeunes OR apprentis) #insertion -stage")
    economie, group, tag = query.terms
    assert len(economie) == 2 and all(len(tokens) == 1 for tokens in economie)  # fr, en
    assert set().union(*economie) == {
        analysis.normalise_word("économie", lang) for lang in ("fr", "en")
    }
    assert analysis.normalise_word("jeunes") in set().union(*group)
    assert analysis.normalise_word("apprentis") in set().union(*group)
    assert tag == (frozenset(),)
    assert not any(
        analysis.normalise_word("stage") in tokens for term in query.terms for tokens in term
    )
