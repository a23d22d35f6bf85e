"""Each kind of evidence the resolver uses, alone."""

from __future__ import annotations

from glaneur.territories.gazetteer import gazetteer
from glaneur.territories.names import key
from glaneur.territories.resolve import find_places


def codes(text: str, **kwargs: object) -> list[str | None]:
    return [p.code for p in find_places(text, **kwargs)]  # type: ignore[arg-type]


def test_spellings_fold_to_one_key() -> None:
    assert key("St-André-de-Cubzac") == key("Saint André de Cubzac") == key("ST André de Cubzac")
    assert key("Saint-Émilion") == key("Saint-Emilion")  # an accent dropped on a capital
    assert key("Beauce") != key("Beaucé")  # not on a small letter


def test_the_gazetteer_knows_communes_departments_regions_and_old_names() -> None:
    gaz = gazetteer()
    assert len(gaz.communes) > 34_000
    assert gaz.communes["79174"].name == "Melle" and gaz.communes["79174"].department == "79"
    assert gaz.department_names[key("Deux-Sèvres")] == "79"
    assert gaz.region_names[key("Nouvelle-Aquitaine")] == "75"
    assert gaz.region_names[key("Poitou-Charentes")] == "75"  # a former region
    assert len(gaz.commune_names[key("Saint-Savin")]) == 4
    assert "33539" in gaz.by_postcode["33870"]


def test_a_homonym_without_evidence_stays_unresolved() -> None:
    assert codes("Un atelier a ouvert à Saint-Savin.") == [None]


def test_a_department_or_postcode_written_beside_settles_it() -> None:
    assert codes("Un atelier a ouvert à Saint-Savin (86).") == ["86246"]
    assert codes("Un atelier a ouvert au 4 rue Haute, 33920 Saint-Savin.") == ["33473"]


def test_a_department_named_in_the_text_settles_it() -> None:
    assert codes("Un atelier a ouvert à Saint-Savin, en Isère.") == ["38455", "38"]


def test_the_other_places_of_the_text_settle_it() -> None:
    assert codes("De Blaye à Saint-Savin, la ligne de bus est rouverte.") == ["33058", "33473"]


def test_the_topics_territory_settles_it_when_the_text_does_not() -> None:
    assert codes("Un atelier a ouvert à Saint-Savin.", territory={"65": 12, "33": 1}) == ["65396"]


def test_a_much_larger_namesake_wins_only_by_a_wide_margin() -> None:
    assert codes("Le salon se tient à Valence.") == ["26362"]


def test_a_place_inside_an_organisation_weighs_less() -> None:
    (place,) = find_places("La Mission locale de Poitiers accompagne les jeunes.")
    assert place.code == "86194" and place.in_organisation and place.weight < 1


def test_people_streets_rivers_and_words_are_not_places() -> None:
    assert codes("Eugénie Duval et Marie Castelnau ont présenté le projet.") == []
    assert codes("Mme Dax a ouvert une boutique rue de Paris.") == []
    assert codes("La péniche remonte sur le Rhône.") == []
    assert codes("Orange recrute des techniciens. Vers midi, la foule arrive.") == []
