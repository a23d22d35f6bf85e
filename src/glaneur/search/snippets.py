"""Highlighted, escaped extracts of a post around the words that matched."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import analysis

SNIPPET_WORDS = 32
# Long main texts are only scanned this far for an extract: a page stays fast.
SCAN_CHARS = 20_000


def _marked(text: str, spans: list[tuple[int, int, bool]], start: int, end: int) -> str:
    parts: list[str] = []
    cursor = start
    for word_start, word_end, hit in spans:
        if word_start < start or word_end > end:
            continue
        if hit:
            parts.append(escape(text[cursor:word_start]))
            parts.append(f"<mark>{escape(text[word_start:word_end])}</mark>")
            cursor = word_end
    parts.append(escape(text[cursor:end]))
    return "".join(parts)


def _spans(text: str, language: str, wanted: frozenset[str]) -> list[tuple[int, int, bool]]:
    return [(start, end, token in wanted) for start, end, token in analysis.spans(text, language)]


def highlight(text: str, wanted: frozenset[str], language: str = analysis.FRENCH) -> SafeString:
    """The whole text, escaped, with matching words in <mark>."""
    return mark_safe(_marked(text, _spans(text, language, wanted), 0, len(text)))  # noqa: S308


def snippet(
    texts: Sequence[str],
    wanted: frozenset[str],
    language: str = analysis.FRENCH,
    *,
    size: int = SNIPPET_WORDS,
) -> SafeString:
    """The run of ``size`` words, from any of ``texts``, holding the most matching words;
    the start of the first text when none matches."""
    best: tuple[int, str, list[tuple[int, int, bool]], int] | None = None
    for text in texts:
        text = text[:SCAN_CHARS]
        spans = _spans(text, language, wanted)
        if not spans:
            continue
        hits = [1 if hit else 0 for _, _, hit in spans]
        window = sum(hits[:size])
        score, first = window, 0
        for i in range(size, len(spans)):
            window += hits[i] - hits[i - size]
            if window > score:
                score, first = window, i - size + 1
        if best is None or score > best[0]:
            best = (score, text, spans, first)
    if best is None:
        return mark_safe("")
    _, text, spans, first = best
    last = min(len(spans), first + size) - 1
    start = spans[first][0] if first > 0 else 0
    end = spans[last][1] if last < len(spans) - 1 else len(text)
    html = _marked(text, spans, start, end).strip()
    if start > 0:
        html = "… " + html
    if end < len(text):
        html += " …"
    return mark_safe(html)  # noqa: S308
