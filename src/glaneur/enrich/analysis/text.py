"""Plain-text helpers of the analyser: names as keys, paragraphs, sentence starts."""

from __future__ import annotations

import re
import unicodedata

TITLES = {"m", "mme", "mlle", "dr", "pr", "me", "monsieur", "madame", "mademoiselle"}
_SPACES = re.compile(r"\s+")
_JOINERS = re.compile(r"[-‐‑–—'’.]")


def fold(text: str) -> str:
    """Lower case without accents: ``Éric`` and ``eric`` are one."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_key(name: str) -> str:
    """The key actors are merged on, within a post and across posts: accents, case,
    hyphens and civil titles do not count (``Jean-Marc Éloi`` = ``jean marc eloi``)."""
    words = _SPACES.sub(" ", _JOINERS.sub(" ", fold(name))).strip().split(" ")
    while len(words) > 1 and words[0] in TITLES:
        words = words[1:]
    return " ".join(words)


def paragraphs(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of each non-empty line."""
    spans = []
    for match in re.finditer(r"[^\n]+", text):
        if match.group().strip():
            spans.append((match.start(), match.end()))
    return spans


def paragraph_of(spans: list[tuple[int, int]], offset: int) -> int:
    for index, (start, end) in enumerate(spans):
        if start <= offset < end:
            return index
        if offset < start:
            return max(index - 1, 0)
    return max(len(spans) - 1, 0)


_SENTENCE_END = re.compile(r"[.!?…](?:\s|$)")


def sentence_start(text: str, offset: int, floor: int) -> int:
    """Where the sentence holding ``offset`` starts (not before ``floor``)."""
    start = floor
    for match in _SENTENCE_END.finditer(text, floor, offset):
        start = match.end()
    return start
