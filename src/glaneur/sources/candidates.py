"""Items into candidates: the topic's engine filters, each new item once per topic keyed by
its normalised URL, near-duplicates grouped (``simhash``), every candidate scored
(``ranking``).

An item becomes a candidate of its source's topic and of every topic with a keyword
source it matches (keyword watches see every item the instance polls). Never again:
an item whose URL the topic scooped or already has as a candidate (discarded ones too),
nor a story the topic scooped or discarded under another URL. The same story from
another source joins the first candidate's group and adds its source to it, so the inbox
shows it once, with both sources.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.utils import timezone

from glaneur.curation.models import Post, Topic
from glaneur.curation.posts import url_key
from glaneur.search.analysis import language_of, tokens

from . import ranking, simhash
from .items import Item
from .models import Candidate, EngineSettings, Source

# Candidates younger than this are compared with new items for near-duplicates.
RECENT_DAYS = 60
RECENT_LIMIT = 5000
OPEN = (Candidate.Status.NEW, Candidate.Status.SEEN)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


def _phrases(text: str, language: str) -> list[tuple[str, ...]]:
    return [phrase for line in _lines(text) if (phrase := tuple(tokens(line, language)))]


def _contains(haystack: list[str], phrase: tuple[str, ...]) -> bool:
    width = len(phrase)
    if width == 1:
        return phrase[0] in haystack
    return any(tuple(haystack[i : i + width]) == phrase for i in range(len(haystack) - width + 1))


def _host_in(host: str, domains: list[str]) -> bool:
    return any(host == domain or host.endswith("." + domain) for domain in domains)


@dataclass(frozen=True)
class Filters:
    """A topic's engine filters, analysed once per call of ``take``."""

    enabled: bool
    language: str
    included: list[str]
    excluded: list[str]
    all_words: list[tuple[str, ...]]
    any_words: list[tuple[str, ...]]
    none_words: list[tuple[str, ...]]
    max_age_days: int

    @classmethod
    def of(cls, topic: Topic, engine: EngineSettings) -> Filters:
        language = language_of(topic.language)

        def domains(text: str) -> list[str]:
            return [line.lower().removeprefix("www.") for line in _lines(text)]

        return cls(
            enabled=engine.enabled,
            language=language,
            included=domains(engine.included_domains),
            excluded=domains(engine.excluded_domains),
            all_words=_phrases(engine.all_words, language),
            any_words=_phrases(engine.any_words, language),
            none_words=_phrases(engine.none_words, language),
            max_age_days=engine.max_age_days,
        )

    def admit(self, item: Item, now_: datetime) -> bool:
        if not self.enabled:
            return False
        if (
            item.published is not None
            and self.max_age_days
            and item.published < now_ - timedelta(days=self.max_age_days)
        ):
            return False
        host = (urlsplit(item.url).hostname or "").lower().removeprefix("www.")
        if self.included and not _host_in(host, self.included):
            return False
        if self.excluded and _host_in(host, self.excluded):
            return False
        if self.all_words or self.any_words or self.none_words:
            text = tokens(f"{item.title}\n{item.summary}", self.language)
            if not all(_contains(text, phrase) for phrase in self.all_words):
                return False
            if self.any_words and not any(_contains(text, p) for p in self.any_words):
                return False
            if any(_contains(text, phrase) for phrase in self.none_words):
                return False
        return True


def _engine(topic: Topic) -> EngineSettings:
    try:
        return topic.engine
    except EngineSettings.DoesNotExist:
        return EngineSettings(topic=topic)


def _keyword_matches(source: Source, items: Sequence[Item]) -> dict[Source, list[Item]]:
    """The keyword sources of other topics (one query) and the items each one matches."""
    watches = list(
        Source.objects.filter(kind=Source.Kind.KEYWORD)
        .exclude(topic_id=source.topic_id)
        .exclude(query="")
        .select_related("topic", "topic__engine")
    )
    if not watches:
        return {}
    texts: dict[str, list[str]] = {}
    matches: dict[Source, list[Item]] = {}
    for watch in watches:
        language = language_of(watch.topic.language)
        phrase_list = _phrases(watch.query, language)
        if not phrase_list:
            continue
        for item in items:
            key = f"{language}:{item.url}"
            if key not in texts:
                texts[key] = tokens(f"{item.title}\n{item.summary}", language)
            # Every line (word or phrase) of the watch must be in the item.
            if all(_contains(texts[key], phrase) for phrase in phrase_list):
                matches.setdefault(watch, []).append(item)
    return matches


def take(source: Source, items: Sequence[Item]) -> int:
    """Make candidates of the items a source gave; the number of new candidates.

    Called by the poller outside any transaction (each write is short); two workers taking
    the same items at once make each candidate once (the unique URL key decides)."""
    if not items:
        return 0
    made = _take_for(source.topic, source, items)
    for watch, matched in _keyword_matches(source, items).items():
        made += _take_for(watch.topic, watch, matched)
    return made


def _take_for(topic: Topic, source: Source, items: Sequence[Item]) -> int:
    engine = _engine(topic)
    filters = Filters.of(topic, engine)
    now_ = timezone.now()
    keyed: dict[str, Item] = {}
    for item in items:
        if item.url and filters.admit(item, now_):
            keyed.setdefault(url_key(item.url)[:2000], item)
    if not keyed:
        return 0
    scooped = set(
        Post.objects.filter(topic=topic, normalized_url__in=keyed).values_list(
            "normalized_url", flat=True
        )
    )
    known = dict(
        Candidate.objects.filter(topic=topic, url_key__in=keyed).values_list("url_key", "pk")
    )
    fresh = {key: item for key, item in keyed.items() if key not in scooped and key not in known}
    if known:
        # The same link from one more source: the candidate lists it (no-op if it does).
        _add_source(list(known.values()), source)
    if not fresh:
        return 0
    current = ranking.profile(topic, engine)
    recent = list(
        Candidate.objects.filter(topic=topic, found_at__gte=now_ - timedelta(days=RECENT_DAYS))
        .exclude(simhash=0)
        .order_by("-pk")
        .values_list("pk", "group", "status", "simhash")[:RECENT_LIMIT]
    )
    made = 0
    for key, item in fresh.items():
        signature = simhash.signature(item.title, item.summary, current.language)
        if any(
            simhash.same_story(signature, scooped_story) for scooped_story in current.signatures
        ):
            continue  # a story the topic already published, under another URL
        leader: int | None = None
        decided = False
        for pk, group, status, other in recent:
            if simhash.same_story(signature, other):
                leader = group or pk
                decided = status not in OPEN
                break
        if decided:
            continue  # scooped or discarded already under another URL
        scored = ranking.score(current, item.title, item.summary, item.published, now=now_)
        candidate = _create(topic, source, key, item, signature, leader, scored)
        if candidate is None:
            continue
        made += 1
        recent.insert(0, (candidate.pk, leader, Candidate.Status.NEW, signature))
    if made and ranking.profile(topic, engine).pool_bucket != current.pool_bucket:
        # The pool grew by a quarter: its word frequencies changed enough to rank again.
        ranking.rescore(topic)
    return made


def _create(
    topic: Topic,
    source: Source,
    key: str,
    item: Item,
    signature: int,
    leader: int | None,
    scored: ranking.Scored,
) -> Candidate | None:
    try:
        with transaction.atomic():
            candidate = Candidate.objects.create(
                topic=topic,
                url=item.url[:2000],
                url_key=key,
                title=" ".join(item.title.split())[:500],
                summary=item.summary,
                image_url=item.image_url[:2000],
                published_at=item.published,
                simhash=signature,
                group=leader,
                score=scored.score,
                matched_words=scored.matched_words,
            )
            candidate.sources.add(source)
            if leader is not None:
                Candidate.sources.through.objects.get_or_create(
                    candidate_id=leader, source_id=source.pk
                )
    except IntegrityError:
        # Another worker made it first: it lists this source too.
        existing = Candidate.objects.filter(topic=topic, url_key=key).values_list("pk", flat=True)
        _add_source(list(existing), source)
        return None
    return candidate


def _add_source(candidate_ids: list[int], source: Source) -> None:
    through = Candidate.sources.through
    have = set(
        through.objects.filter(candidate_id__in=candidate_ids, source_id=source.pk).values_list(
            "candidate_id", flat=True
        )
    )
    missing = [
        through(candidate_id=pk, source_id=source.pk) for pk in candidate_ids if pk not in have
    ]
    if missing:
        through.objects.bulk_create(missing, ignore_conflicts=True)
