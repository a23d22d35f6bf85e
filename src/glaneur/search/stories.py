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

Signatures are stored signed (``Candidate.simhash``, ``StorySignature.simhash`` are
BigIntegerFields). One rule for "the same story": the suggestions engine groups candidates
and drops stories a topic already has with it, and a topic's near-duplicate posts are
flagged to its curators with it (``near_duplicates``).
"""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from .analysis import FRENCH, STOP_WORDS, fold, normalise_word, words

if TYPE_CHECKING:
    import numpy as np

BITS = 64
THRESHOLD = 15
SUMMARY_CHARS = 5000  # a whole article in a summary is read this far
_MASK = (1 << BITS) - 1
_FIELD = 32  # bits per counter: a summary would need 4 billion words to overflow one
# The 8 bits of a byte, each moved to the low bit of its own field.
_BYTE_SPREAD = [sum(1 << (_FIELD * i) for i in range(8) if byte >> i & 1) for byte in range(256)]


def _spread(value: int) -> int:
    return sum(_BYTE_SPREAD[value >> (8 * j) & 0xFF] << (_FIELD * 8 * j) for j in range(BITS // 8))


def _feature_hash(feature: str) -> int:
    return int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "big")


@lru_cache(maxsize=200_000)
def _token(word: str, language: str) -> str:
    if word.lower() in STOP_WORDS or fold(word) in STOP_WORDS:
        return ""
    return normalise_word(word, language)


@lru_cache(maxsize=200_000)
def _feature_spread(feature: str) -> int:
    return _spread(_feature_hash(feature))


def story_words(text: str, language: str = FRENCH) -> list[str]:
    """The analysed words of a text that say what it is about (no stop words)."""
    return [token for word in words(text) if (token := _token(word, language))]


def signature(title: str, summary: str, language: str = FRENCH) -> int:
    """The story's SimHash, signed 64-bit (fits a BigIntegerField)."""
    features: Counter[str] = Counter()
    for text, weight in ((title, 1), (summary[:SUMMARY_CHARS], 2)):
        tokens = story_words(text, language)
        for token in tokens:
            features[token] += weight
        for first, second in itertools.pairwise(tokens):
            features[f"{first} {second}"] += weight
    if not features:
        return 0
    # Bit-sliced counting: each feature's hash spread into 64 fields of _FIELD bits, so that
    # one big-integer sum counts, for every bit, the weight of the features that set it.
    counts = 0
    for feature, weight in features.items():
        counts += weight * _feature_spread(feature)
    half = sum(features.values())
    field_mask = (1 << _FIELD) - 1
    unsigned = 0
    for bit in range(BITS):
        if 2 * (counts >> (_FIELD * bit) & field_mask) > half:
            unsigned |= 1 << bit
    return unsigned - (1 << BITS) if unsigned >= 1 << (BITS - 1) else unsigned


def distance(first: int, second: int) -> int:
    """Hamming distance of two signatures (signed or not)."""
    return ((first ^ second) & _MASK).bit_count()


def same_story(first: int, second: int, threshold: int = THRESHOLD) -> bool:
    return first != 0 and second != 0 and distance(first, second) <= threshold


class Signatures:
    """Signatures to compare new stories with, newest first: ``first_same`` is
    ``same_story`` against all of them at once (numpy: XOR and bit count over the array),
    so a topic's thousands of recent candidates cost microseconds a story, not milliseconds.

    numpy is imported here only: the web process, which never compares whole inboxes,
    does not load it."""

    def __init__(self, signatures: Iterable[int] = ()) -> None:
        import numpy

        self._numpy = numpy
        self._array: np.ndarray = numpy.array(
            [value & _MASK for value in signatures], dtype=numpy.uint64
        )

    def __len__(self) -> int:
        return len(self._array)

    def first_same(self, signature: int, threshold: int = THRESHOLD) -> int:
        """The position of the newest signature telling the same story, or -1."""
        if not signature or not len(self._array):
            return -1
        numpy = self._numpy
        distances = numpy.bitwise_count(self._array ^ numpy.uint64(signature & _MASK))
        # A signature of 0 (a text with no words) is no story: never the same as another.
        hits = numpy.flatnonzero((distances <= threshold) & (self._array != 0))
        return int(hits[0]) if len(hits) else -1

    def push(self, signature: int) -> None:
        """Put a story in front (the newest): positions move by one, as in a list."""
        value = self._numpy.array([signature & _MASK], dtype=self._numpy.uint64)
        self._array = self._numpy.concatenate((value, self._array))
