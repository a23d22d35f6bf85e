"""How a place name is compared: accents, case, hyphens, apostrophes and "St"/"Ste" folded.

``key("St-André-de-Cubzac")`` == ``key("Saint André de Cubzac")`` == "saint andré de cubzac".
"""

from __future__ import annotations

import re
import unicodedata

# Abbreviations written before a name ("St Savin", "Ste-Foy", "S/ Mer" is too rare to guess).
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}

_WORD = re.compile(r"[^\W\d_]+(?:\.)?|\d+", re.UNICODE)


def fold(text: str) -> str:
    """Lower case; accents dropped from capitals only, since French often writes "Emilion"
    for "Émilion" but keeps the accents of small letters ("Beauce" is not "Beaucé")."""
    text = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    out = []
    for char in unicodedata.normalize("NFC", text):
        if char.isupper():
            char = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
        out.append(char.lower())
    return "".join(out)


def plain(text: str) -> str:
    """Lower case without any accent, for comparing with the word lists."""
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "Oe"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    """The folded words of a name, abbreviations spelt out."""
    out = []
    for match in _WORD.finditer(fold(text)):
        word = match.group().rstrip(".")
        out.append(ABBREVIATIONS.get(word, word))
    return out


def key(name: str) -> str:
    return " ".join(words(name))
