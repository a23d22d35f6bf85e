"""Finding the passages between quotation marks: « », “ ” and straight "…", nested or not,
over several paragraphs or not."""

from __future__ import annotations

from dataclasses import dataclass

PAIRS = {"«": "»", "“": "”"}
STRAIGHT = '"'


@dataclass(frozen=True)
class Span:
    """A top-level passage in quotation marks: ``start`` is the opening mark, ``end`` just
    after the closing one (or the end of the last paragraph it runs over, unclosed)."""

    start: int
    end: int
    mark: str
    inner: tuple[tuple[int, int], ...] = ()  # nested passages (terms inside a quote)

    def content(self, text: str) -> str:
        return text[self.start + 1 : self.end - 1 if self.closed(text) else self.end].strip()

    def closed(self, text: str) -> bool:
        return text[self.end - 1] in ("»", "”", '"')


def find_spans(text: str) -> list[Span]:
    """Top-level quoted passages of ``text``, in order.

    A passage that is still open at the end of a paragraph goes on into the next one when
    that one opens with the same mark (the French way of quoting several paragraphs), or
    until its closing mark further on; with no closing mark at all it ends with its
    paragraph."""
    spans: list[Span] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char in PAIRS or char == STRAIGHT:
            span = _read(text, i)
            if span is not None:
                spans.append(span)
                i = span.end
                continue
        i += 1
    return spans


def _read(text: str, start: int) -> Span | None:
    opening = text[start]
    closing = PAIRS.get(opening, STRAIGHT)
    if opening == STRAIGHT and start + 1 < len(text) and text[start + 1] in " \n":
        return None  # a closing straight mark left over, not an opening one
    depth, inner_start = 0, 0
    inner: list[tuple[int, int]] = []
    i = start + 1
    while i < len(text):
        char = text[i]
        if char == "\n":
            following = text[i:].lstrip()
            if following[:1] == opening and opening != STRAIGHT and depth == 0:
                # The next paragraph reopens the same quotation: one passage.
                i = len(text) - len(following) + 1
                continue
            if _closes_later(text, i, opening, closing):
                i += 1
                continue
            return Span(start, _trim(text, i), opening, tuple(inner))
        if opening != STRAIGHT and char == opening:
            if depth == 0:
                inner_start = i
            depth += 1
        elif char == closing and opening != STRAIGHT and depth > 0:
            depth -= 1
            if depth == 0:
                inner.append((inner_start, i + 1))
        elif char == closing:
            return Span(start, i + 1, opening, tuple(inner))
        elif opening == STRAIGHT and char in "«“" and depth == 0:
            pass
        i += 1
    return Span(start, _trim(text, len(text)), opening, tuple(inner))


def _closes_later(text: str, newline: int, opening: str, closing: str) -> bool:
    """An unclosed passage runs over the next paragraph when its closing mark comes there
    before any new opening mark."""
    end = text.find("\n", newline + 1)
    end = len(text) if end < 0 else end
    following = text[newline + 1 : end]
    close_at = following.find(closing)
    if close_at < 0:
        return False
    if opening == STRAIGHT:
        return False  # straight marks pair within a paragraph
    open_at = following.find(opening)
    return open_at < 0 or close_at < open_at


def _trim(text: str, end: int) -> int:
    while end > 0 and text[end - 1] in " \n":
        end -= 1
    return end
