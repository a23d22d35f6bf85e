"""Text to search tokens: lower-case → lemma (spaCy's lookup tables) → Snowball stem → ASCII.

The same function serves documents and queries, so both back ends compare our own tokens
and never rely on a database stemmer (FTS5 has none for French; PostgreSQL's ``french``
does not join "emploi" and "emplois"). Measured on this data (see bench/search.py):
"emplois" → lemma "emploi" → "emploi"; "recrutent" → "recruter" → "recrut" and
"recrutement" → "recrut"; "économie" and "economie" → "econom"; unaccented forms the
table lacks ("creee") are looked up again by their accent-folded spelling.

Lemmas come from the lookup tables of ``spacy-lookups-data`` (the data of spaCy's
``lookup`` lemmatiser), looked up word by word in a file written from them once
(`glaneur.search.lemmas`), so that no process holds the whole tables: a context-free table
lets one word be normalised once and cached, which is what makes indexing a million posts
possible (the model's rule lemmatiser needs the tagger and runs at ~15k words/s here).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from glaneur.search import lemmas

# Letters and digits; apostrophes and hyphens split words, so "l’emploi" gives "l", "emploi"
# for documents and queries alike.
WORD_RE = re.compile(r"[^\W_]+")
FRENCH, ENGLISH = "fr", "en"
LANGUAGES = (FRENCH, ENGLISH)

# Function words left out of queries (documents keep them, so phrases still match).
_STOP_WORDS = """
    a à au aux avec c ce ces cet cette d dans de des du elle elles en est et eux il ils j je
    l la le les leur leurs lui m ma mais me mes n ne ni nos notre nous on ou où par pas pour
    qu que qui s sa se ses son sont sur t ta te tes toi ton tu un une vos votre vous y
    an and are as at be by for from has have in is it its of on or that the this to was were
    will with
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"})


def fold(text: str) -> str:
    """Lower-case ASCII where the letters allow it: "Économie" → "economie"."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def language_of(code: str | None) -> str:
    """The analyser for a post's language code: English for "en…", French otherwise."""
    return ENGLISH if (code or "").lower().startswith("en") else FRENCH


_local = threading.local()  # PyStemmer's stemmers are not thread-safe: one per thread


def _stemmer(language: str) -> Any:
    stemmers: dict[str, Any] | None = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    stemmer = stemmers.get(language)
    if stemmer is None:
        import Stemmer

        stemmer = stemmers[language] = Stemmer.Stemmer(
            "english" if language == ENGLISH else "french"
        )
    return stemmer


@lru_cache(maxsize=500_000)
def normalise_word(word: str, language: str = FRENCH) -> str:
    """One word (letters and digits only) as a search token."""
    lower = word.lower()
    if lower.isdigit():
        return lower
    lemma = lemmas.lookup(lower, language) or lower
    return fold(_stemmer(language).stemWord(lemma))


def words(text: str) -> list[str]:
    return WORD_RE.findall(text)


def tokens(text: str, language: str = FRENCH) -> list[str]:
    """The search tokens of a text, in order (stop words kept: phrases need them)."""
    return [normalise_word(word, language) for word in WORD_RE.findall(text)]


def spans(text: str, language: str = FRENCH) -> Iterator[tuple[int, int, str]]:
    """(start, end, token) of each word of a text, for highlighting."""
    for match in WORD_RE.finditer(text):
        yield match.start(), match.end(), normalise_word(match.group(), language)


def is_stop_word(word: str) -> bool:
    return word.lower() in STOP_WORDS


def tag_key(name: str) -> str:
    """The one token that stands for a tag: "#Emplois-des-jeunes" → "tagemploidejeun"."""
    return "tag" + "".join(tokens(name))


def topic_key(topic_id: int) -> str:
    return f"topic{topic_id}"


def warm_up() -> None:
    """Open the lemma file now, writing it if missing (a worker or a benchmark, before
    timing anything)."""
    for language in LANGUAGES:
        normalise_word("emplois", language)
