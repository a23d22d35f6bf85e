"""Items into candidates: the topic's engine filters, each new item once per topic keyed by
its normalised URL, near-duplicates grouped (``search.stories``), every candidate scored
(``ranking``).

An item becomes a candidate of its source's topic and of every topic with a keyword
source it matches (keyword watches see every item the instance polls). Never again:
an item whose URL the topic scooped or already has as a candidate (discarded ones too),
nor a story the topic scooped or discarded under another URL. The same story from
another source joins the first candidate's group and adds its source to it, so the inbox
shows it once, with both sources.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.utils import timezone

from glaneur.curation.models import Post, Topic
from glaneur.curation.posts import url_key
from glaneur.search import stories
from glaneur.search.analysis import is_stop_word, language_of, tokens

from . import ranking
from .items import Item
from .models import Candidate, EngineSettings, Source
from .ranking_tasks import rescore_soon

# Candidates younger than this are compared with new items for near-duplicates.
RECENT_DAYS = 60
RECENT_LIMIT = 5000
OPEN = (Candidate.Status.NEW, Candidate.Status.SEEN)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


def _phrases(text: str, language: str) -> list[tuple[str, ...]]:
    return [phrase for line in _lines(text) if (phrase := tuple(tokens(line, language)))]


_QUERY_RE = re.compile(r'"([^"]+)"|([^\s"]+)')


def watch_terms(query: str, language: str) -> list[tuple[str, ...]]:
    """What a keyword watch asks for: each "quoted phrase" as written, each other word
    anywhere (function words left out): ``"mission locale" jeunes``."""
    terms: list[tuple[str, ...]] = []
    for phrase, word in _QUERY_RE.findall(query):
        if phrase:
            if found := tuple(tokens(phrase, language)):
                terms.append(found)
        elif not is_stop_word(word):
            terms += [(token,) for token in tokens(word, language)]
    return terms


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
    words_of: dict[str, set[str]] = {}
    matches: dict[Source, list[Item]] = {}
    for watch in watches:
        language = language_of(watch.topic.language)
        terms = watch_terms(watch.query, language)
        if not terms:
            continue
        for item in items:
            key = f"{language}:{item.url}"
            if key not in texts:
                texts[key] = tokens(f"{item.title}\n{item.summary}", language)
                words_of[key] = set(texts[key])
            # Every word and every phrase of the watch must be in the item.
            if all(
                term[0] in words_of[key] if len(term) == 1 else _contains(texts[key], term)
                for term in terms
            ):
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
    published = stories.Signatures(current.signatures)
    recent: list[tuple[int | str, int | str | None, str]] = []
    signatures: list[int] = []
    for row_pk, row_group, row_status, simhash in (
        Candidate.objects.filter(topic=topic, found_at__gte=now_ - timedelta(days=RECENT_DAYS))
        .exclude(simhash=0)
        .order_by("-pk")
        .values_list("pk", "group", "status", "simhash")[:RECENT_LIMIT]
    ):
        recent.append((row_pk, row_group, row_status))
        signatures.append(simhash)
    told = stories.Signatures(signatures)
    # Each new story: a leader (group None) or a member of an earlier story's group, given
    # as a candidate id or, for a story first seen in this batch, as its URL key.
    rows: list[tuple[Candidate, int | str | None]] = []
    for key, item in fresh.items():
        signature = stories.signature(item.title, item.summary, current.language)
        if published.first_same(signature) >= 0:
            continue  # a story the topic already published, under another URL
        leader: int | str | None = None
        if (found := told.first_same(signature)) >= 0:
            pk, group, status = recent[found]
            if status not in OPEN:
                continue  # scooped or discarded already under another URL
            leader = group or pk
        scored = ranking.score(current, item.title, item.summary, item.published, now=now_)
        if engine.min_score and scored.score < engine.min_score:
            continue  # below the topic's bar (taken again if the source lists it later)
        rows.append((_candidate(topic, key, item, signature, scored), leader))
        recent.insert(0, (key, leader, Candidate.Status.NEW))
        told.push(signature)
    made = _save(topic, source, rows)
    if made and ranking.pool_bucket(topic) != current.pool_bucket:
        # The pool grew by a quarter: its word frequencies changed enough to rank again,
        # in the worker's polling lane after this round (not inline: a cold round would
        # rescore a growing inbox a dozen times).
        rescore_soon(topic.pk)
    return made


def _candidate(
    topic: Topic, key: str, item: Item, signature: int, scored: ranking.Scored
) -> Candidate:
    return Candidate(
        topic=topic,
        url=item.url[:2000],
        url_key=key,
        title=" ".join(item.title.split())[:500],
        summary=item.summary,
        image_url=item.image_url[:2000],
        published_at=item.published,
        simhash=signature,
        score=scored.score,
        matched_words=scored.matched_words,
    )


def _save(topic: Topic, source: Source, rows: list[tuple[Candidate, int | str | None]]) -> int:
    """Insert the new candidates in two short transactions (leaders, then the members of
    groups that a leader of this batch opened) and list the source on each and on each
    group's leader; the number inserted."""
    made = 0
    ids: dict[str, int] = {}
    through = Candidate.sources.through
    links: list[Any] = []
    for members_of_batch in (False, True):
        batch = []
        for candidate, leader in rows:
            if isinstance(leader, str) != members_of_batch:
                continue
            candidate.group = ids.get(leader) if isinstance(leader, str) else leader
            if members_of_batch and candidate.group is None:
                continue  # its leader lost a race: taken again next poll
            batch.append(candidate)
        inserted = _insert(topic, batch)
        made += len(inserted)
        if batch:
            # Those another worker inserted first are listed with this source all the same.
            keys = [candidate.url_key for candidate in batch]
            ids.update(
                Candidate.objects.filter(topic=topic, url_key__in=keys).values_list("url_key", "pk")
            )
        for candidate in batch:
            if candidate.url_key in ids:
                links.append(through(candidate_id=ids[candidate.url_key], source_id=source.pk))
            if candidate.group is not None:
                links.append(through(candidate_id=candidate.group, source_id=source.pk))
    if links:
        through.objects.bulk_create(links, ignore_conflicts=True)
    return made


def _insert(topic: Topic, batch: list[Candidate]) -> set[str]:
    """Insert the batch at once, or row by row if another worker inserted one of its URL
    keys meanwhile; the URL keys inserted."""
    if not batch:
        return set()
    try:
        with transaction.atomic():
            Candidate.objects.bulk_create(batch)
        return {candidate.url_key for candidate in batch}
    except IntegrityError:
        pass
    inserted = set()
    for candidate in batch:
        candidate.pk = None
        try:
            with transaction.atomic():
                candidate.save(force_insert=True)
        except IntegrityError:
            continue
        inserted.add(candidate.url_key)
    return inserted


def _add_source(candidate_ids: list[int], source: Source) -> None:
    through = Candidate.sources.through
    through.objects.bulk_create(
        [through(candidate_id=pk, source_id=source.pk) for pk in candidate_ids],
        ignore_conflicts=True,
    )
