"""Text helpers of extraction: clean whitespace and entities, cut at a sentence or a word."""

from __future__ import annotations

import html as html_entities
import re

_SENTENCE_END = re.compile(
    r"[.!?…]+(?:\s*[»”\"')\]])*(?=\s+[«\"“'(\[A-ZÀ-ÖØ-Þ0-9]|\s*$)", re.UNICODE
)
_ABBREVIATION = re.compile(r"(?:^|\s)(?:[A-Z]|Mme|Mlle|MM|Dr|Pr|Me|St|Ste|cf|p|n°|etc|art)$")


def clean(value: str | None) -> str:
    """Decode leftover entities (double-escaped markup) and collapse whitespace."""
    if not value:
        return ""
    if "&" in value:
        value = html_entities.unescape(value)
    return " ".join(value.split())


def _sentences(text: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.group().startswith(".") and _ABBREVIATION.search(text[start : match.start()]):
            continue
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    if text[start:].strip():
        sentences.append(text[start:].strip())
    return sentences


def cut_at_word(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:-–—(«“") + "…"


def shorten(text: str, limit: int) -> str:
    """As many whole sentences of `text` as fit in `limit` characters (at least one, cut)."""
    text = " ".join(text[: limit * 4].split())
    if len(text) <= limit:
        return text
    kept = ""
    for sentence in _sentences(text):
        candidate = f"{kept} {sentence}" if kept else sentence
        if len(candidate) > limit:
            break
        kept = candidate
    return kept or cut_at_word(text, limit)


def first_sentence(text: str, limit: int) -> str:
    sentences = _sentences(" ".join(text[: limit * 4].split()))
    return cut_at_word(sentences[0], limit) if sentences else ""
