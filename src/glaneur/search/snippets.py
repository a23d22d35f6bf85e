"""Highlighted, escaped extracts of a post around the words that matched.

Cheap whatever the length of the texts: each distinct word of a text is normalised once
(the analyser's cache makes that a dictionary lookup), the best window is found from the
positions of the matching words alone, and only the chosen extract is cut and escaped."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from html import escape  # what django.utils.html.escape calls, without its lazy wrapper
from itertools import islice

from django.utils.safestring import SafeString, mark_safe

from . import analysis

SNIPPET_WORDS = 32
# Long main texts are only scanned this far for an extract: a page stays fast.
SCAN_CHARS = 20_000


class _Matcher:
    """Which surface words of texts normalise to one of a query's tokens: each distinct word
    is normalised once, and is then a member of a set (a page of hits asks the same words
    again and again; a Python call per word cost more than the rest of a snippet)."""

    def __init__(self, wanted: frozenset[str], language: str) -> None:
        self.wanted = wanted
        self.language = language
        self.seen: set[str] = set()
        self.token: dict[str, str] = {}  # the matching words, with their token

    def hits(self, words: Iterable[str]) -> set[str]:
        """The distinct words among ``words`` that match."""
        distinct = set(words)
        for word in distinct.difference(self.seen):
            self.seen.add(word)
            token = analysis.normalise_word(word, self.language)
            if token in self.wanted:
                self.token[word] = token
        return distinct.intersection(self.token)


@lru_cache(maxsize=64)
def _matcher(wanted: frozenset[str], language: str) -> _Matcher:
    """The matcher of a query, kept for the next hits and pages of the same query."""
    return _Matcher(wanted, language)


@lru_cache(maxsize=256)
def _pattern(hits: frozenset[str]) -> re.Pattern[str]:
    """A pattern of these whole words, captured: ``split`` then cuts a text around them."""
    alternatives = "|".join(re.escape(word) for word in sorted(hits, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])({alternatives})(?![^\W_])")


def _marked(text: str, hits: set[str], start: int, end: int) -> str:
    """``text[start:end]``, escaped, with the words of ``hits`` in <mark>. One split by a
    pattern of the words, rather than a match object per word of the extract: half the
    cost of a snippet."""
    if not hits:
        return escape(text[start:end])
    parts = _pattern(frozenset(hits)).split(text[start:end])
    parts[0::2] = [escape(between) for between in parts[0::2]]
    parts[1::2] = [f"<mark>{escape(word)}</mark>" for word in parts[1::2]]
    return "".join(parts)


def highlight(text: str, wanted: frozenset[str], language: str = analysis.FRENCH) -> SafeString:
    """The whole text, escaped, with matching words in <mark>."""
    hits = _matcher(wanted, language).hits(analysis.WORD_RE.findall(text))
    return mark_safe(_marked(text, hits, 0, len(text)))  # noqa: S308


def _best_window(hits: list[int], size: int) -> tuple[int, int]:
    """(number of hits, first word) of the earliest run of ``size`` words holding the most
    hits (``hits`` are ascending word positions)."""
    best, first, last = 0, 0, 0
    for j, position in enumerate(hits):
        while last < len(hits) and hits[last] < position + size:
            last += 1
        if last - j > best:  # hits[j:last] fit in the window starting at ``position``
            best, first = last - j, max(0, hits[last - 1] - size + 1)
    return best, first


def _span(text: str, words: list[str], first: int, last: int) -> tuple[int, int]:
    """Where ``words[first]`` starts and ``words[last]`` ends in ``text`` (its words, in
    order): found by str.find from word to word, since only separators lie between them.
    Four times faster than a match object per word, which a window deep in a long main
    text needed by the thousand."""
    position = 0
    for word in islice(words, first):
        position = text.find(word, position) + len(word)
    start = text.find(words[first], position) if first > 0 else 0
    position = start
    for word in islice(words, first, last + 1):
        position = text.find(word, position) + len(word)
    return start, (position if last < len(words) - 1 else len(text))


def snippet(
    texts: Sequence[str],
    wanted: frozenset[str],
    language: str = analysis.FRENCH,
    *,
    terms: Sequence[Sequence[frozenset[str]]] | None = None,
    size: int = SNIPPET_WORDS,
) -> SafeString:
    """The run of ``size`` words, from any of ``texts``, holding the most matching words;
    the start of the first text when none matches. Texts are read in order and the rest
    are skipped once a run covers the query: the summary usually does, and the main text,
    the longest, is then never scanned. ``terms`` says what covers it (``Query.terms``:
    for each term, the sets of tokens any one of which shows it); by default every token
    of ``wanted``."""
    if terms is None:
        terms = [(frozenset({token}),) for token in wanted]
    best: tuple[int, str, list[str], int, set[str]] | None = (
        None  # hits, text, words, first, hit words
    )
    matcher = _matcher(wanted, language)
    for text in texts:
        text = text[:SCAN_CHARS]
        words = analysis.WORD_RE.findall(text)
        if not words:
            continue
        hit_words = matcher.hits(words) if wanted else set()
        positions = [i for i, word in enumerate(words) if word in hit_words] if hit_words else []
        score, first = _best_window(positions, size)
        if best is None or score > best[0]:
            best = (score, text, words, first, hit_words)
            window = {matcher.token[words[i]] for i in positions if first <= i < first + size}
            if all(any(tokens <= window for tokens in term) for term in terms):
                break
    if best is None:
        return mark_safe("")
    _, text, words, first, hit_words = best
    last = min(len(words), first + size) - 1
    start, end = _span(text, words, first, last)
    html = _marked(text, hit_words, start, end).strip()
    if start > 0:
        html = "… " + html
    if end < len(text):
        html += " …"
    return mark_safe(html)  # noqa: S308
