"""How well a candidate suits its topic: BM25 of its title + summary against the topic's
profile, plus freshness; the curators' scoops and discards move the words' weights.

The profile is a weighted query: the topic's keywords (weight 3 per word), its title and
description (1), and the words of its latest published posts — title and tags counted
twice, summary and insight once — at log(1 + count); plus the learned weights of
``EngineSettings.word_weights``. Inverse document frequencies come from the topic's own
candidates (the mixed stream its sources bring), so that a word every item carries ranks
nothing. Words are the search analysis's tokens (``emplois`` = ``emploi``).

    score = BM25 × (1 + 0.25 × 2^(−age / freshness_days))

The profile is kept per process, keyed by the topic's content stamp, the engine's
settings and the size of the candidate pool (rebuilt when it grew by a quarter), so a poll
round builds it once per topic, not once per source. No model is loaded: the lemma file
of the search analysis and plain counting only.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from django.db import transaction
from django.utils import timezone

from glaneur.curation.models import Post, PostTag, Topic
from glaneur.curation.queries import topic_stamp
from glaneur.search import stories
from glaneur.search.analysis import fold, language_of, normalise_word, words

from .models import Candidate, EngineSettings

K1, B = 1.2, 0.75
KEYWORD_WEIGHT, TOPIC_WEIGHT = 3.0, 1.0
FRESHNESS_SHARE = 0.25
PROFILE_POSTS = 300  # latest published posts that make the profile
POOL_SIZE = 3000  # latest candidates whose words give the document frequencies
LEARN_WORDS = 8  # distinctive words of a scooped or discarded story that learn
LEARN_STEP, LEARN_LIMIT = 1.0, 5.0
# Feedback rescores an inbox this small at once (~0.3 ms a candidate), a larger one in the
# worker: a click must not wait a second.
INLINE_RESCORE = 500
MATCHED_WORDS = 6
SUMMARY_CHARS = 5000  # a feed that puts whole articles in its summaries is read this far
_POOL_GROWTH = math.log(1.25)
_CACHE_SIZE = 256

# Words too common to say what a story is about, beyond the search's stop words (which
# keep some that phrases need): left out of profiles, scores and signatures of feedback.
_GENERIC = """
    a à au aux avec c ce ces cet cette d dans de des du elle elles en est et eux il ils j je
    l la le les leur leurs lui m ma mais me mes n ne ni nos notre nous on ou où par pas pour
    qu que qui s sa se ses son sont sur t ta te tes toi ton tu un une vos votre vous y
    être avoir faire pouvoir devoir aller venir dire voir mettre prendre donner falloir
    plus moins aussi tout tous toute toutes très bien peu comme dont cela ça ceci si alors
    entre autre autres même mêmes encore déjà ainsi car donc lors depuis vers chez sans sous
    avant après pendant selon contre an ans année années jour jours fois deux trois quatre
    cinq six dix cent mille premier première dernier dernière nouveau nouvelle nouveaux
    nouvelles grand grande petit petite chaque quelque plusieurs cas part etc lundi mardi
    mercredi jeudi vendredi samedi dimanche
"""


_GENERIC_WORDS = frozenset(fold(word) for word in _GENERIC.split())


@lru_cache(maxsize=2)
def _generic_tokens(language: str) -> frozenset[str]:
    return frozenset(normalise_word(word, language) for word in _GENERIC.split())


@lru_cache(maxsize=200_000)
def _token(word: str, language: str) -> str:
    """The word's search token if it can say what a text is about, else ""."""
    if fold(word) in _GENERIC_WORDS:  # "dès" is "des" once folded
        return ""
    token = normalise_word(word, language)
    if len(token) <= 2 or token.isdigit() or token in _generic_tokens(language):
        return ""
    return token


def analysed(text: str, language: str) -> list[tuple[str, str]]:
    """(token, word as written) of the words of a text that can say what it is about."""
    return [(token, word) for word in words(text) if (token := _token(word, language))]


@dataclass(frozen=True)
class Profile:
    topic_id: int
    key: str
    language: str
    weights: dict[str, float]
    df: dict[str, int]
    docs: int
    average_length: float
    freshness_days: int
    pool_bucket: int
    signatures: tuple[int, ...] = field(default=())  # of the topic's posts (dedupe)

    def idf(self, token: str) -> float:
        if not self.docs:
            return 1.0
        df = self.df.get(token, 0)
        return math.log(1 + (self.docs - df + 0.5) / (df + 0.5))


@dataclass(frozen=True)
class Scored:
    score: float
    matched_words: list[str]


_cache: dict[int, Profile] = {}
_cache_lock = threading.Lock()


def engine_of(topic: Topic) -> EngineSettings:
    engine = EngineSettings.objects.filter(topic=topic).first()
    return engine if engine is not None else EngineSettings(topic=topic)


def pool_bucket(topic: Topic) -> int:
    """The size of the topic's candidate pool, on a scale where a step is a quarter more
    (the first fifty candidates are one step): the profile is rebuilt when it moves."""
    size = Candidate.objects.filter(topic=topic).count()
    return int(math.log((size + 50) / 50) / _POOL_GROWTH)


def _key(topic: Topic, engine: EngineSettings) -> str:
    settings_text = json.dumps(
        [engine.keywords, engine.freshness_days, engine.word_weights, topic.title,
         topic.description, topic.language],
        sort_keys=True,
    )  # fmt: skip
    digest = hashlib.blake2b(settings_text.encode(), digest_size=8).hexdigest()
    return f"{topic_stamp(topic)}:{digest}"


def profile(topic: Topic, engine: EngineSettings | None = None, *, fresh: bool = False) -> Profile:
    """The topic's profile, from the process's cache unless the topic, its engine settings
    or its candidate pool (by a quarter) changed, or ``fresh``."""
    engine = engine if engine is not None else engine_of(topic)
    key = _key(topic, engine)
    bucket = pool_bucket(topic)
    cached = _cache.get(topic.pk)
    if not fresh and cached is not None and cached.key == key and cached.pool_bucket == bucket:
        return cached
    built = _build(topic, engine, key, bucket)
    with _cache_lock:
        if len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[topic.pk] = built
    return built


def forget(topic_id: int) -> None:
    with _cache_lock:
        _cache.pop(topic_id, None)


def _build(topic: Topic, engine: EngineSettings, key: str, bucket: int) -> Profile:
    language = language_of(topic.language)
    weights: defaultdict[str, float] = defaultdict(float)
    for line in engine.keywords.replace(",", "\n").splitlines():
        for token, _word in analysed(line, language):
            weights[token] += KEYWORD_WEIGHT
    for token, _word in analysed(f"{topic.title}\n{topic.description}", language):
        weights[token] += TOPIC_WEIGHT
    # Drafts too (a suggestion scooped for review is one): the same story must not come
    # back; only published posts lend their words.
    posts = list(
        Post.objects.filter(topic=topic)
        .order_by("-curated_at")
        .values_list("pk", "title", "summary", "insight", "status")[:PROFILE_POSTS]
    )
    tags: dict[int, list[str]] = {}
    for post_id, name in PostTag.objects.filter(
        topic=topic, post_id__in=[row[0] for row in posts]
    ).values_list("post_id", "tag__name"):
        tags.setdefault(post_id, []).append(name)
    counts: Counter[str] = Counter()
    signatures = []
    for post_id, title, summary, insight, status in posts:
        signatures.append(stories.signature(title, summary, language))
        if status != Post.Status.PUBLISHED:
            continue
        twice = f"{title}\n{' '.join(tags.get(post_id, ()))}"
        for token, _word in analysed(twice, language):
            counts[token] += 2
        for token, _word in analysed(f"{summary}\n{insight}", language):
            counts[token] += 1
    for token, count in counts.items():
        weights[token] += math.log1p(count)
    for token, learned in (engine.word_weights or {}).items():
        weights[token] += float(learned)
    df: Counter[str] = Counter()
    lengths = 0
    pool = Candidate.objects.filter(topic=topic).order_by("-pk").values_list("title", "summary")
    docs = 0
    for title, summary in pool[:POOL_SIZE]:
        tokens = [token for token, _word in analysed(f"{title}\n{summary}", language)]
        df.update(set(tokens))
        lengths += len(tokens)
        docs += 1
    return Profile(
        topic_id=topic.pk,
        key=key,
        language=language,
        weights={token: weight for token, weight in weights.items() if weight},
        df=dict(df),
        docs=docs,
        average_length=lengths / docs if docs else 40.0,
        freshness_days=max(engine.freshness_days, 1),
        pool_bucket=bucket,
        signatures=tuple(signature for signature in signatures if signature),
    )


def score(
    profile: Profile,
    title: str,
    summary: str,
    published: datetime | None,
    *,
    now: datetime | None = None,
) -> Scored:
    """A story's score for the profile's topic, and the words that made it (as written)."""
    pairs = analysed(f"{title}\n{summary[:SUMMARY_CHARS]}", profile.language)
    tf = Counter(token for token, _word in pairs)
    length = len(pairs)
    norm = K1 * (1 - B + B * length / profile.average_length)
    parts: dict[str, float] = {}
    for token, count in tf.items():
        weight = profile.weights.get(token)
        if weight:
            parts[token] = weight * profile.idf(token) * count * (K1 + 1) / (count + norm)
    relevance = sum(parts.values())
    now = now or timezone.now()
    if published is None:
        freshness = 0.5
    else:
        age_days = max((now - published).total_seconds(), 0) / 86400
        freshness = 2 ** (-age_days / profile.freshness_days)
    total = relevance * (1 + FRESHNESS_SHARE * freshness) if relevance > 0 else relevance
    best = sorted((p for p in parts.items() if p[1] > 0), key=lambda p: (-p[1], p[0]))
    return Scored(
        score=round(total, 6), matched_words=_readable([t for t, _ in best[:MATCHED_WORDS]], pairs)
    )


def _readable(tokens: Iterable[str], pairs: list[tuple[str, str]]) -> list[str]:
    """Each token as the item writes it: its most frequent spelling, lower-case unless
    always capitalised (a place, an organisation)."""
    wanted = list(tokens)
    spellings: dict[str, Counter[str]] = {token: Counter() for token in wanted}
    for token, word in pairs:
        if token in spellings:
            spellings[token][word] += 1
    readable = []
    for token in wanted:
        forms = spellings[token]
        lower: Counter[str] = Counter()
        for form, count in forms.items():
            lower[form.lower()] += count
        word = lower.most_common(1)[0][0]
        if all(form[:1].isupper() for form in forms):
            word = forms.most_common(1)[0][0]
        readable.append(word)
    return readable


def rescore(topic: Topic) -> int:
    """Score the topic's new and seen candidates again with a fresh profile (after
    feedback or a change of settings); the number of candidates whose score changed."""
    current = profile(topic, fresh=True)
    now = timezone.now()
    changed: list[Candidate] = []
    rows = (
        Candidate.objects.filter(
            topic=topic, status__in=(Candidate.Status.NEW, Candidate.Status.SEEN)
        )
        .only("pk", "title", "summary", "published_at", "score", "matched_words")
        .order_by("pk")
    )
    for candidate in rows.iterator(chunk_size=500):
        scored = score(current, candidate.title, candidate.summary, candidate.published_at, now=now)
        # Freshness moves every score a little every second: only a real change is written.
        if (
            abs(scored.score - candidate.score) > 1e-3 * max(abs(candidate.score), 1.0)
            or scored.matched_words != candidate.matched_words
        ):
            candidate.score, candidate.matched_words = scored.score, scored.matched_words
            changed.append(candidate)
    for start in range(0, len(changed), 500):
        with transaction.atomic():
            Candidate.objects.bulk_update(changed[start : start + 500], ["score", "matched_words"])
    return len(changed)


def distinctive_words(current: Profile, title: str, summary: str) -> list[str]:
    """The story's words that set it apart in the topic's pool (tf × idf), best first."""
    tf = Counter(token for token, _word in analysed(f"{title}\n{summary}", current.language))
    ranked = sorted(tf.items(), key=lambda item: (-item[1] * current.idf(item[0]), item[0]))
    return [token for token, _count in ranked[:LEARN_WORDS]]


def learn(candidate: Candidate, scooped: bool) -> None:
    """Feedback: a scooped story's distinctive words weigh more for its topic, a discarded
    one's less (bounded); then the topic's open candidates are scored again (here, or in
    the worker once the caller's transaction commits if there are many)."""
    topic = candidate.topic
    current = profile(topic)
    tokens = distinctive_words(current, candidate.title, candidate.summary)
    if not tokens:
        return
    step = LEARN_STEP if scooped else -LEARN_STEP
    with transaction.atomic():
        engine, _created = EngineSettings.objects.select_for_update().get_or_create(topic=topic)
        weights = dict(engine.word_weights or {})
        for token in tokens:
            value = max(-LEARN_LIMIT, min(LEARN_LIMIT, float(weights.get(token, 0.0)) + step))
            if value:
                weights[token] = round(value, 3)
            else:
                weights.pop(token, None)
        engine.word_weights = weights
        engine.save(update_fields=["word_weights"])
    forget(topic.pk)
    waiting = Candidate.objects.filter(
        topic=topic, status__in=(Candidate.Status.NEW, Candidate.Status.SEEN)
    ).count()
    if waiting <= INLINE_RESCORE:
        rescore(topic)
        return
    from .ranking_tasks import rescore_soon

    transaction.on_commit(lambda: rescore_soon(topic.pk))
