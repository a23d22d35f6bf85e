"""The analyser: the same tokens for the forms a reader types and the forms a text holds."""

from __future__ import annotations

import pytest

from glaneur.search import analysis, lemmas


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("formations", "formation"),
        ("emploi", "Emplois"),
        ("recrutent", "recrutement"),
        ("economie", "économie"),
        ("metiers", "Métiers"),
        ("creees", "créées"),
        ("jeunes", "JEUNE"),
        ("entreprise", "entreprises"),
        ("accompagnent", "accompagnement"),
    ],
)
def test_french_forms_share_a_token(typed: str, written: str) -> None:
    assert analysis.tokens(typed) == analysis.tokens(written)


def test_snowball_alone_would_miss_emplois() -> None:
    import Stemmer

    stemmer = Stemmer.Stemmer("french")
    assert stemmer.stemWord("emplois") != stemmer.stemWord("emploi")
    assert analysis.tokens("emplois") == ["emploi"]


@pytest.mark.parametrize(
    ("typed", "written"),
    [("hire", "hiring"), ("company", "Companies"), ("train", "trained"), ("job", "jobs")],
)
def test_english_forms_share_a_token(typed: str, written: str) -> None:
    assert analysis.tokens(typed, "en") == analysis.tokens(written, "en")


def test_elisions_and_hyphens_split_words() -> None:
    assert analysis.tokens("l’emploi d'avenir") == ["l", "emploi", "d", "aven"]
    assert analysis.tokens("Nouvelle-Aquitaine") == analysis.tokens("nouvelle aquitaine")


def test_tokens_are_folded_to_ascii() -> None:
    assert analysis.tokens("Œuvre économique à Pôle") == ["oeuvr", "econom", "a", "pol"]


def test_tag_key_ignores_spelling() -> None:
    assert analysis.tag_key("Emplois des jeunes") == analysis.tag_key("emploi-des-jeunes")


def test_language_of_post_codes() -> None:
    assert analysis.language_of("en-GB") == "en"
    assert analysis.language_of("fr") == "fr"
    assert analysis.language_of("") == "fr"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_lemma_file_holds_spacys_tables(language: str) -> None:
    tables = lemmas.table(language, analysis.fold)
    sample = list(tables.items())[::97]
    assert len(sample) > 300
    assert [lemmas.lookup(form, language) for form, _ in sample] == [lemma for _, lemma in sample]
    assert lemmas.lookup("xylophonerie", language) is None
