"""The places of the seed topic's four posts (the Scoop.it capture), read by hand."""

from __future__ import annotations

from pathlib import Path

import glaneur
from glaneur.territories.resolve import find_places

SEED = Path(glaneur.__file__).parent / "data" / "scoopit-topic-initiatives-locales.txt"
# Every place the capture names, with its code: communes (INSEE), departments, regions.
EXPECTED = {
    ("commune", "86194"),  # Poitiers
    ("commune", "47001"),  # Agen
    ("commune", "31555"),  # Toulouse ("à Toulouse sur les métiers de l'aéronautique")
    ("commune", "33539"),  # Vayres, Gironde (not Vayres, Haute-Vienne)
    ("commune", "33243"),  # Libourne
    ("commune", "33138"),  # Coutras
    ("commune", "33166"),  # Le Fieu
    ("commune", "33073"),  # Braud-et-Saint-Louis, written "Braud et St Louis"
    ("commune", "33366"),  # Saint-André-de-Cubzac, written "St André de Cubzac"
    ("commune", "33473"),  # Saint-Savin, Gironde, written "St Savin" (four homonyms)
    ("commune", "33546"),  # Vignonet
    ("commune", "33393"),  # Saint-Denis-de-Pile, written "St Denis de Pile"
    ("commune", "79174"),  # Melle
    ("commune", "79202"),  # Parthenay
    ("commune", "79191"),  # Niort
    ("commune", "79049"),  # Bressuire
    ("department", "33"),  # Gironde, and "le territoire du Libournais"
    ("department", "47"),  # "Mission locale de l'Agenais" (inside the name: a lower weight)
    ("department", "79"),  # Deux-Sèvres
    ("department", "86"),  # "dans la Vienne"
    ("region", "75"),  # "l'ancienne Poitou-Charentes"
}


def test_the_seed_posts_places_are_found_and_none_is_invented() -> None:
    text = SEED.read_text("utf-8")
    places = find_places(text)
    found = {(p.kind, p.code) for p in places if p.code is not None}
    assert found == EXPECTED
    assert all(p.code is not None for p in places)  # nothing left hanging
    # A pays ("l'Agenais", "le Libournais") is its department; inside an organisation's
    # name ("Mission locale de l'Agenais", "Communauté d'Agglomération du Libournais") it is
    # flagged so, which gives it a lower weight than the places of the story.
    pays = [(p.text, p.code, p.in_organisation) for p in places if p.text.endswith("ais")]
    assert pays == [
        ("Agenais", "47", True),
        ("Libournais", "33", False),  # "sur le territoire du Libournais"
        ("Libournais", "33", True),
        ("Libournais", "33", True),
    ]
    # "Comité d'Acteurs Locaux": no place from a common word.
    assert not [p for p in places if p.text in ("Locaux", "Acteurs")]
