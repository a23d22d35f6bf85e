"""Near-duplicate stories: a 64-bit SimHash over the analysed words of title + summary.

Features are the search analysis's tokens (``emplois`` = ``emploi``, accents folded), stop
words left out, each word and each pair of neighbouring words, weighted by count; a word of
the summary counts twice as much as one of the title, because the same story is mostly
retitled from one site to the next, and a short text has few words to outvote a new title.

The threshold was measured on tests/fixtures/suggestions/ (``test_simhash_threshold_
separates_same_stories_from_different_ones`` prints the figures): the 12 rewritten stories
of rewrites.json (retitled; some with a sentence cut or added) lie at a Hamming distance of
3 to 13 from their original; the 1,462 pairs of different stories (the 44 items between
themselves and against the rewrites) at 18 or more, median 31. So a distance ≤ 15 is the
same story. Weighting title and summary alike gave 5–17 against ≥ 17, and counting the
title twice 8–22 against ≥ 15: a retitled story must not look new.

Signatures are stored signed (``Candidate.simhash`` is a BigIntegerField).
"""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter

from glaneur.search.analysis import FRENCH, STOP_WORDS, fold, normalise_word, words

BITS = 64
THRESHOLD = 15
_MASK = (1 << BITS) - 1


def _feature_hash(feature: str) -> int:
    return int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "big")


def story_words(text: str, language: str = FRENCH) -> list[str]:
    """The analysed words of a text that say what it is about (no stop words)."""
    return [
        normalise_word(word, language)
        for word in words(text)
        if fold(word) not in STOP_WORDS and word.lower() not in STOP_WORDS
    ]


def signature(title: str, summary: str, language: str = FRENCH) -> int:
    """The story's SimHash, signed 64-bit (fits a BigIntegerField)."""
    features: Counter[str] = Counter()
    for text, weight in ((title, 1), (summary, 2)):
        tokens = story_words(text, language)
        for token in tokens:
            features[token] += weight
        for first, second in itertools.pairwise(tokens):
            features[f"{first} {second}"] += weight
    if not features:
        return 0
    totals = [0] * BITS
    for feature, weight in features.items():
        value = _feature_hash(feature)
        for bit in range(BITS):
            totals[bit] += weight if value >> bit & 1 else -weight
    unsigned = sum(1 << bit for bit in range(BITS) if totals[bit] > 0)
    return unsigned - (1 << BITS) if unsigned >= 1 << (BITS - 1) else unsigned


def distance(first: int, second: int) -> int:
    """Hamming distance of two signatures (signed or not)."""
    return ((first ^ second) & _MASK).bit_count()


def same_story(first: int, second: int, threshold: int = THRESHOLD) -> bool:
    return first != 0 and second != 0 and distance(first, second) <= threshold
