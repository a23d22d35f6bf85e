"""Parts of speech from a French lexicon instead of the model's morphologizer.

The analyser asks three questions of words: does a passage in marks hold a conjugated verb
(speech, not a term: « droit commun »), is the word beside a name a noun (a role), which
words may make a tag (nouns and adjectives). The morphologizer answered them with its own
token-to-vector layer, 40 % of the step's time (bench/enrich.py); the lemma tables that
spaCy publishes (``spacy-lookups-data``: forms and lemmas by part of speech) answer them from
the word and the one before it, and the annotated articles score the same (tests/enrich).

A form that is both a verb and a noun (« la forme », « il forme ») is a verb only after a
subject or object pronoun; no form is a verb after a determiner or a preposition.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Pronouns after which an ambiguous form is the verb (« il forme », « on se porte », « qui
# compte »); elsewhere it is the noun. « leur » is taken for the determiner.
PRONOUNS = words(
    "je j' j’ tu il elle on nous vous ils elles qui ne n' n’ se s' s’ me m' m’ te t' t’ lui "
    "y ça cela ce c' c’"
)
# After these a word is a noun or an adjective (« la forme », « en entreprise »).
DETERMINERS = words(
    "le la les l' l’ un une des du de d' d’ au aux ce cet cette ces mon ma mes ton ta tes son "
    "sa ses notre nos votre vos leur leurs chaque quelque toute toutes tous en par pour sur dans "
    "avec sans à vers chez entre sous"
)
# Function words the tables also list as rare verb forms.
NEVER_VERBS = words("entre point plus type lui cela soit sous pas")
# Where a capital does not make a proper noun.
SENTENCE_STARTS = frozenset(["", "«", "“", '"', ".", "!", "?", ":", "—", "–", "…"])
INCISES = frozenset([",", "»", "”"])
# Adverbs and pronouns the stop words leave out.
NOT_KEYWORDS = words("bien mal mieux trop rien aucun aucune autour contre parmi")
PARTICIPLE_ENDINGS = ("é", "ée", "és", "ées", "ant")


@dataclass(frozen=True)
class Tables:
    verb_forms: frozenset[str]  # inflected forms listed by the tables (irregular, -ir, -re…)
    auxiliaries: frozenset[str]  # être, avoir
    verbs: frozenset[str]  # lemmas
    nouns: frozenset[str]  # lemmas and listed forms
    adjectives: frozenset[str]
    adverbs: frozenset[str]
    verb_rules: tuple[tuple[str, str], ...]  # (ending of the form, ending of the lemma)
    noun_rules: tuple[tuple[str, str], ...]
    adjective_rules: tuple[tuple[str, str], ...]


def _read(name: str) -> dict[str, Any]:
    """One of spaCy's French lemma tables, by part of speech (``exc``: forms and their lemmas;
    ``index``: lemmas; ``rules``: endings of forms and of their lemmas)."""
    import spacy_lookups_data

    path = Path(spacy_lookups_data.__file__).parent / "data" / f"fr_lemma_{name}.json.gz"
    data: dict[str, Any] = json.loads(gzip.decompress(path.read_bytes()))
    return data


def _rules(table: list[list[str]]) -> tuple[tuple[str, str], ...]:
    return tuple((end, lemma) for end, lemma in table if end.isalpha())


@cache
def tables() -> Tables:
    """The tables, read once per process (the worker's, beside the model)."""
    exceptions, index, rules = _read("exc"), _read("index"), _read("rules")

    def forms(part: str) -> frozenset[str]:
        return frozenset(exceptions[part])

    def lemmas(part: str) -> frozenset[str]:
        return frozenset(index[part])

    def lemmas_of_forms(part: str) -> frozenset[str]:
        return frozenset(lemma for found in exceptions[part].values() for lemma in found)

    return Tables(
        verb_forms=forms("verb"),
        auxiliaries=forms("aux"),
        # The index lacks common verbs whose forms are listed (acheter, créer).
        verbs=lemmas("verb") | lemmas_of_forms("verb") | lemmas_of_forms("aux"),
        nouns=lemmas("noun") | forms("noun"),
        adjectives=lemmas("adj") | forms("adj"),
        adverbs=lemmas("adv"),
        # The tables' first-group rules miss the present's -e and -ent (souligne, soulignent).
        verb_rules=(*_rules(rules["verb"]), ("e", "er"), ("ent", "er")),
        noun_rules=_rules(rules["noun"]),
        adjective_rules=_rules(rules["adj"]),
    )


def _by_rule(word: str, lemmas: frozenset[str], rules: tuple[tuple[str, str], ...]) -> bool:
    return any(
        word.endswith(end) and word[: len(word) - len(end)] + lemma in lemmas
        for end, lemma in rules
    )


@lru_cache(maxsize=1 << 16)  # a worker's vocabulary: words recur from post to post
def is_noun(word: str) -> bool:
    found = tables()
    return word in found.nouns or _by_rule(word, found.nouns, found.noun_rules)


@lru_cache(maxsize=1 << 16)  # a worker's vocabulary: words recur from post to post
def is_adjective(word: str) -> bool:
    found = tables()
    return word in found.adjectives or _by_rule(word, found.adjectives, found.adjective_rules)


@lru_cache(maxsize=1 << 16)  # a worker's vocabulary: words recur from post to post
def _verb_form(word: str) -> bool:
    found = tables()
    if word in found.verbs:
        return False  # the infinitive
    return word in found.verb_forms or _by_rule(word, found.verbs, found.verb_rules)


def is_finite_verb(word: str, previous: str) -> bool:
    """Whether ``word``, after ``previous`` (the token before it), is a conjugated verb."""
    if word[:1].isupper() and previous not in SENTENCE_STARTS:
        return False  # a proper noun
    word, previous = word.lower(), previous.lower()
    if word in NEVER_VERBS or previous in DETERMINERS or word.endswith(PARTICIPLE_ENDINGS):
        return False
    if word in tables().auxiliaries:
        return word not in ("être", "avoir", "été", "eu", "étant", "ayant")
    if not _verb_form(word):
        return False
    return previous in PRONOUNS or not (is_noun(word) or is_adjective(word))


@cache
def _stop_words() -> frozenset[str]:
    from spacy.lang.fr.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def is_common_noun(word: str, previous: str) -> bool:
    """A noun, not a function word; a form that is also a verb (« revient », « voit »)
    only after a determiner."""
    lower = word.lower()
    if lower in _stop_words() or not is_noun(lower):
        return False
    # A form in -ant that is a noun is one (« encadrant technique », « habitant »): the
    # present participle is not a role.
    if lower.endswith(("ant", "ants", "ante", "antes")):
        return True
    return previous.lower() in DETERMINERS or not _verb_form(lower)


def is_keyword(word: str, previous: str) -> bool:
    """A noun, an adjective or a proper noun: what a tag may be made of. A word no table
    knows is taken for a noun (« fablab », « illectronisme »: new words are nouns)."""
    lower, before = word.lower(), previous.lower()
    if lower in _stop_words() or lower in NOT_KEYWORDS or word.startswith("-"):
        return False
    if word[:1].isupper() and previous not in SENTENCE_STARTS:
        return True
    found = tables()
    if lower in found.verbs:  # an infinitive, unless the noun is listed (« le devenir »)
        return lower in found.nouns
    verb = _verb_form(lower)
    if verb and lower.endswith(PARTICIPLE_ENDINGS):  # « accompagné », unless « une arrivée »
        return lower in found.nouns
    if not (is_noun(lower) or is_adjective(lower)):
        if lower in found.adverbs:
            return False
        return before in DETERMINERS or not verb
    # « estime », « forme »: the verb after a pronoun or in an incise (« , estime X »).
    return not verb or before not in PRONOUNS | INCISES
