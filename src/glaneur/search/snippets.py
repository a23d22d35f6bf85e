"""Highlighted, escaped extracts of a post around the words that matched.

Cheap whatever the length of the texts: each distinct word of a text is normalised once
(the analyser's cache makes that a dictionary lookup), the best window is found from the
positions of the matching words alone, and only the chosen extract is cut and escaped."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from html import escape  # what django.utils.html.escape calls, without its lazy wrapper
from itertools import islice

from django.utils.safestring import SafeString, mark_safe

from . import analysis

SNIPPET_WORDS = 32
# Long main texts are only scanned this far for an extract: a page stays fast.
SCAN_CHARS = 20_000


@lru_cache(maxsize=64)
def _matcher(wanted: frozenset[str], language: str) -> dict[str, str | None]:
    """Surface word → its token if it is one of ``wanted``, else None; filled as words are
    met, and kept for the next hits of the same query (a page of them asks the same)."""
    return {}


def _token(
    word: str, wanted: frozenset[str], language: str, known: dict[str, str | None]
) -> str | None:
    if word in known:
        return known[word]
    token = analysis.normalise_word(word, language)
    known[word] = found = token if token in wanted else None
    return found


def _marked(text: str, hits: frozenset[str] | set[str], start: int, end: int) -> str:
    """``text[start:end]``, escaped, with the words of ``hits`` in <mark>."""
    parts: list[str] = []
    cursor = start
    for match in analysis.WORD_RE.finditer(text, start, end):
        if match.group() in hits:
            parts.append(escape(text[cursor : match.start()]))
            parts.append(f"<mark>{escape(match.group())}</mark>")
            cursor = match.end()
    parts.append(escape(text[cursor:end]))
    return "".join(parts)


def _hit_words(words: Iterable[str], wanted: frozenset[str], language: str) -> set[str]:
    """The distinct surface words among ``words`` that normalise to one of ``wanted``."""
    known = _matcher(wanted, language)
    return {word for word in set(words) if _token(word, wanted, language, known)}


def highlight(text: str, wanted: frozenset[str], language: str = analysis.FRENCH) -> SafeString:
    """The whole text, escaped, with matching words in <mark>."""
    hits = _hit_words(analysis.WORD_RE.findall(text), wanted, language)
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
    size: int = SNIPPET_WORDS,
) -> SafeString:
    """The run of ``size`` words, from any of ``texts``, holding the most matching words;
    the start of the first text when none matches. Texts are read in order and the rest
    are skipped once a run holds every word of the query: the summary usually does, and
    the main text, the longest, is then never scanned."""
    best: tuple[int, str, list[str], int, set[str]] | None = (
        None  # hits, text, words, first, hit words
    )
    known = _matcher(wanted, language)
    for text in texts:
        text = text[:SCAN_CHARS]
        words = analysis.WORD_RE.findall(text)
        if not words:
            continue
        hit_words = _hit_words(words, wanted, language)
        positions = [i for i, word in enumerate(words) if word in hit_words] if hit_words else []
        score, first = _best_window(positions, size)
        if best is None or score > best[0]:
            best = (score, text, words, first, hit_words)
            window = {known[words[i]] for i in positions if first <= i < first + size}
            if score and wanted <= window:
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
