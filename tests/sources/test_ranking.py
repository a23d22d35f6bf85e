"""Ranking for the seed topic: 44 French items written for it (tests/fixtures/suggestions/),
half on local employment, training and enterprise initiatives, half off topic but sharing
its words or places; the curators' feedback moves the ranking the right way."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

import glaneur
from glaneur.curation.models import Topic
from glaneur.search.analysis import normalise_word
from glaneur.sources import candidates, ranking
from glaneur.sources.items import Item
from glaneur.sources.models import Candidate, EngineSettings, Source
from glaneur.transfer.services import import_scoopit
from tests.factories import make_topic

pytestmark = pytest.mark.django_db
SEED = Path(glaneur.__file__).parent / "data" / "scoopit-topic-initiatives-locales.txt"
FIXTURES = Path(__file__).parents[1] / "fixtures" / "suggestions"


def fixture_items() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((FIXTURES / "items.json").read_text("utf-8"))
    return rows


def as_items(rows: list[dict[str, Any]]) -> list[Item]:
    """The fixture's items, dated so that the newest is a day old (their spacing kept)."""
    dates = [datetime.fromisoformat(row["date"]).replace(tzinfo=UTC) for row in rows]
    shift = timezone.now() - timedelta(days=1) - max(dates)
    return [
        Item(url=row["url"], title=row["title"], summary=row["summary"], published=date + shift)
        for row, date in zip(rows, dates, strict=True)
    ]


def seed_topic() -> Topic:
    return import_scoopit(SEED.read_text(encoding="utf-8"), source=SEED.name).topic


def open_ranking(topic: Topic) -> list[Candidate]:
    return list(
        Candidate.objects.filter(
            topic=topic, status__in=(Candidate.Status.NEW, Candidate.Status.SEEN)
        ).order_by("-score", "pk")
    )


def precision_at_10(ranked: list[Candidate], on_topic: set[str]) -> int:
    return sum(candidate.url in on_topic for candidate in ranked[:10])


def test_seed_topic_ranks_on_topic_items_first_and_feedback_does_no_harm() -> None:
    topic = seed_topic()
    rows = fixture_items()
    on_topic = {row["url"] for row in rows if row["on_topic"]}
    assert len(rows) >= 40 and len(on_topic) * 2 == len(rows)
    source = Source.objects.create(topic=topic, url="https://example.org/feed.xml")

    assert candidates.take(source, as_items(rows)) == len(rows)

    ranked = open_ranking(topic)
    before = precision_at_10(ranked, on_topic)
    print(f"\nprecision@10 for the seed topic: {before}/10")
    for candidate in ranked[:12]:
        mark = "+" if candidate.url in on_topic else "-"
        print(f"  {mark} {candidate.score:7.3f} {candidate.title[:60]} {candidate.matched_words}")
    first_off = next(i for i, c in enumerate(ranked, 1) if c.url not in on_topic)
    print(f"  first off-topic item at rank {first_off}: {ranked[first_off - 1].title}")
    assert before >= 9
    # Every candidate says why it ranks, in words as the item writes them.
    assert all(c.matched_words for c in ranked[:10])
    assert "emploi" in {word.lower() for c in ranked[:10] for word in c.matched_words}

    # The curator discards the three best-ranked off-topic items.
    off = [c for c in ranked if c.url not in on_topic][:3]
    for candidate in off:
        Candidate.objects.filter(pk=candidate.pk).update(status=Candidate.Status.DISCARDED)
        ranking.learn(candidate, scooped=False)
    weights = EngineSettings.objects.get(topic=topic).word_weights
    assert weights and all(value < 0 for value in weights.values())

    after_ranking = open_ranking(topic)
    after = precision_at_10(after_ranking, on_topic)
    print(f"precision@10 after discarding 3 off-topic items: {after}/10")
    first_off = next(i for i, c in enumerate(after_ranking, 1) if c.url not in on_topic)
    print(f"  first off-topic item now at rank {first_off}: {after_ranking[first_off - 1].title}")
    assert after >= before
    # The discarded items' distinctive words cost the others that carry them.
    assert {c.pk for c in off}.isdisjoint(c.pk for c in after_ranking)


def test_scoop_feedback_raises_the_stories_words() -> None:
    topic = make_topic(title="Veille", description="Emploi et formation")
    source = Source.objects.create(topic=topic, url="https://example.org/feed.xml")
    candidates.take(source, as_items(fixture_items()))
    creuse = Candidate.objects.get(topic=topic, url__contains="chambre-de-metiers-de-la-creuse")
    agen = Candidate.objects.get(topic=topic, url__contains="agen-une-prepa-apprentissage")
    before = agen.score

    ranking.learn(creuse, scooped=True)

    weights = EngineSettings.objects.get(topic=topic).word_weights
    assert weights["apprent"] == ranking.LEARN_STEP  # "apprentis", "apprenti"
    assert all(value > 0 for value in weights.values())
    agen.refresh_from_db()
    assert agen.score > before  # learn rescored the open candidates
    # It now ranks for a word the scoop taught ("chambre" de métiers), and says so.
    assert {normalise_word(word) for word in agen.matched_words} & set(weights)
    assert ranking.rescore(topic) == 0  # nothing left to change


@pytest.mark.django_db(transaction=True)
def test_feedback_on_a_large_inbox_rescores_it_in_the_worker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    topic = make_topic(title="Emploi et formation")
    source = Source.objects.create(topic=topic, url="https://example.org/feed.xml")
    candidates.take(source, as_items(fixture_items()))
    # The pool grew from nothing: the take enqueued one rescore; the worker runs it.
    assert DBTaskResult.objects.filter(task_path__endswith="rescore_topic").count() == 1
    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, queue_name="*", verbosity=0
    )
    DBTaskResult.objects.all().delete()
    monkeypatch.setattr(ranking, "INLINE_RESCORE", 10)
    rugby = Candidate.objects.get(topic=topic, url__contains="su-agen-recrute")
    others = Candidate.objects.filter(topic=topic).exclude(pk=rugby.pk)
    before = dict(others.values_list("pk", "score"))

    ranking.learn(rugby, scooped=True)
    assert DBTaskResult.objects.filter(task_path__endswith="rescore_topic").count() == 1
    assert dict(others.values_list("pk", "score")) == before  # not yet: the worker does it

    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, queue_name="*", verbosity=0
    )
    learned = set(EngineSettings.objects.get(topic=topic).word_weights)
    raised = 0
    for candidate in others:
        words = {t for t, _w in ranking.analysed(f"{candidate.title}\n{candidate.summary}", "fr")}
        if words & learned:
            assert candidate.score > before[candidate.pk]
            raised += 1
        else:
            assert candidate.score == before[candidate.pk]
    assert raised


def test_profile_is_built_once_per_round_and_again_when_the_topic_changes() -> None:
    topic = seed_topic()
    first = ranking.profile(topic)
    assert ranking.profile(topic) is first
    EngineSettings.objects.update_or_create(topic=topic, defaults={"keywords": "apprentissage"})
    second = ranking.profile(topic)
    assert second is not first
    assert second.weights["apprentissag"] >= ranking.KEYWORD_WEIGHT
