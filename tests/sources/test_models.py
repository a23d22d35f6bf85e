"""The suggestions engine's tables: a candidate's normalised URL is unique per topic (the
same link may be a candidate of two topics); a source is unique per topic."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from glaneur.curation.posts import url_key
from glaneur.sources.models import Candidate, EngineSettings, Source
from tests.factories import make_topic

pytestmark = pytest.mark.django_db


def test_candidate_url_key_unique_per_topic() -> None:
    first, second = make_topic(), make_topic()
    url = "https://example.org/article?id=1"
    Candidate.objects.create(topic=first, url=url, url_key=url_key(url), title="Un")
    Candidate.objects.create(topic=second, url=url, url_key=url_key(url), title="Un")
    with pytest.raises(IntegrityError), transaction.atomic():
        Candidate.objects.create(topic=first, url=url, url_key=url_key(url), title="Deux")
    assert Candidate.objects.filter(topic=first).count() == 1


def test_source_unique_per_topic_and_defaults() -> None:
    topic = make_topic()
    source = Source.objects.create(topic=topic, url="https://example.org/feed.xml")
    assert source.kind == Source.Kind.FEED
    assert not source.in_error
    assert source.next_poll_at is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.create(topic=topic, url="https://example.org/feed.xml")
    Source.objects.create(topic=make_topic(), url="https://example.org/feed.xml")


def test_engine_settings_one_per_topic() -> None:
    topic = make_topic()
    EngineSettings.objects.create(topic=topic)
    with pytest.raises(IntegrityError), transaction.atomic():
        EngineSettings.objects.create(topic=topic)
