"""Tags to suggest for a post: the topic's own tags and themes its text speaks of, then its
most frequent words. The curator picks; nothing is added by itself.

Three sources, compared on search tokens (lemma then stem: "apprentis" is "apprenti"):

- the topic's existing tags, whose words the post contains (weighted by how much the topic
  uses them);
- the topic's vocabulary of themes (``Topic.tag_vocabulary``, or ``data/tag_themes_fr.txt``:
  apprentissage, insertion, économie circulaire…), each signalled by a few words or phrases;
- the post's own frequent content words and pairs of words (a YAKE-like count, title words
  counting triple), for subjects no list foresaw.

Light enough for the edit page (lemma lookups only, no spaCy). The part-of-speech filter
comes from the worker: the enrich step stores the words its lexicon takes for nouns, proper
nouns or adjectives (``enrich.Analysis.keywords``), and the post's own words are kept only
among those ("accompagne", "notamment" never make a tag). Before a post is analysed, stop
words, length and frequency stand in for it.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.db.models import Count

import glaneur
from glaneur.curation.models import Post, PostTag, Topic

from .analysis import is_stop_word, tokens, words

DEFAULT_THEMES = Path(glaneur.__file__).parent / "data" / "tag_themes_fr.txt"
TITLE_WEIGHT = 3
MAIN_TEXT_CHARS = 20_000


@dataclass(frozen=True)
class SuggestedTag:
    name: str
    score: float
    why: str  # "tag", "theme" or "words"


@dataclass(frozen=True)
class Theme:
    name: str
    signals: tuple[tuple[str, ...], ...]  # token sequences


def parse_themes(text: str) -> list[Theme]:
    themes = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or ":" not in line:
            continue
        name, _colon, rest = line.partition(":")
        phrases = [p.strip() for p in rest.split(",") if p.strip()] or [name.strip()]
        signals = tuple(tuple(tokens(p)) for p in phrases if tokens(p))
        if name.strip() and signals:
            themes.append(Theme(name.strip(), signals))
    return themes


@cache
def default_themes() -> list[Theme]:
    return parse_themes(DEFAULT_THEMES.read_text("utf-8"))


def themes_of(topic: Topic) -> list[Theme]:
    return parse_themes(topic.tag_vocabulary) if topic.tag_vocabulary.strip() else default_themes()


def _occurrences(sequence: list[str], phrase: tuple[str, ...]) -> int:
    n = len(phrase)
    if n == 0 or n > len(sequence):
        return 0
    if n == 1:
        return sequence.count(phrase[0])
    return sum(1 for i in range(len(sequence) - n + 1) if tuple(sequence[i : i + n]) == phrase)


def _weighted_tokens(post: Post) -> tuple[list[str], list[str]]:
    """The post's tokens (title repeated TITLE_WEIGHT times), and its content words as
    written, for the keywords."""
    title = tokens(post.title)
    body = " ".join([post.summary, post.insight, post.main_text[:MAIN_TEXT_CHARS]])
    sequence = title * TITLE_WEIGHT + ["|"] + tokens(body)
    return sequence, words(" ".join([post.title] * TITLE_WEIGHT + [body]))


def suggest_tags(post: Post, *, limit: int = 8) -> list[SuggestedTag]:
    """The best tags for ``post`` that it does not carry yet, best first."""
    sequence, written = _weighted_tokens(post)
    have = {tuple(tokens(t.name)) for t in post.tags.all()}
    found: dict[tuple[str, ...], SuggestedTag] = {}

    def offer(name: str, score: float, why: str) -> None:
        key = tuple(tokens(name))
        if not key or key in have or score <= 0:
            return
        if key not in found or found[key].score < score:
            found[key] = SuggestedTag(name, round(score, 2), why)

    uses = dict(
        PostTag.objects.filter(topic_id=post.topic_id)
        .values_list("tag__name")
        .annotate(n=Count("post_id"))
        .order_by("-n")[:500]
    )
    for name, count in uses.items():
        hits = _occurrences(sequence, tuple(tokens(name)))
        if hits:
            offer(name, hits * (1 + math.log1p(count)), "tag")
    topic = post.topic
    for theme in themes_of(topic):
        hits = sum(_occurrences(sequence, signal) * len(signal) for signal in theme.signals)
        if hits >= 2:
            offer(theme.name, 1.5 * hits, "theme")
    for name, score in _keywords(written, allowed=_tagged_words(post)):
        offer(name, score, "words")
    return sorted(found.values(), key=lambda s: (-s.score, s.name))[:limit]


def _tagged_words(post: Post) -> frozenset[str] | None:
    """The nouns, proper nouns and adjectives of the post (the enrich step's model), or
    None before the post was analysed."""
    from glaneur.enrich.models import Analysis

    stored = Analysis.objects.filter(post_id=post.pk).values_list("keywords", flat=True).first()
    return frozenset(stored) if stored else None


def _keywords(
    written: list[str], *, top: int = 6, allowed: frozenset[str] | None = None
) -> list[tuple[str, float]]:
    """Frequent content words and pairs of content words, as written the most often;
    ``allowed``: the only words that may be part of one (by their part of speech)."""
    counts: Counter[tuple[str, ...]] = Counter()
    spelling: dict[tuple[str, ...], Counter[str]] = {}
    content = [
        (w, tokens(w)[0] if tokens(w) else "")
        for w in written
        if len(w) > 3
        and not w.isdigit()
        and not is_stop_word(w)
        and (allowed is None or w.lower() in allowed)
    ]
    for i, (word, token) in enumerate(content):
        if not token:
            continue
        for gram in ((token,), (token, content[i + 1][1]) if i + 1 < len(content) else ()):
            if not gram or "" in gram or (len(gram) == 2 and gram[0] == gram[1]):
                continue  # the title repeated (TITLE_WEIGHT) makes no pair of a word with itself
            counts[gram] += 1
            shown = (
                word.lower() if len(gram) == 1 else f"{word.lower()} {content[i + 1][0].lower()}"
            )
            spelling.setdefault(gram, Counter())[shown] += 1
    ranked = [
        (spelling[gram].most_common(1)[0][0], n * (1.5 if len(gram) == 2 else 1.0))
        for gram, n in counts.items()
        if n >= (3 if len(gram) == 1 else 2)
    ]
    ranked.sort(key=lambda r: -r[1])
    return [(name, score / 2) for name, score in ranked[:top]]
