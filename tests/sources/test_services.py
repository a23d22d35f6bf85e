"""Adding and removing a topic's sources and changing its engine settings: one rule for who
may (curators; visitors' suggestions on/off: owner and editors), duplicates refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from glaneur.curation.models import Membership, Topic
from glaneur.curation.services import InvalidURL
from glaneur.sources import services
from glaneur.sources.models import EngineSettings, Source
from tests.factories import add_member, make_user

pytestmark = pytest.mark.django_db


def test_an_address_is_watched_as_a_feed_and_a_phrase_as_a_keyword(topic: Topic) -> None:
    feed = services.add_source(topic, topic.owner, "  https://example.org/feed.xml ")
    assert (feed.kind, feed.url, feed.query) == ("feed", "https://example.org/feed.xml", "")
    watch = services.add_source(topic, topic.owner, "emploi  local")
    assert (watch.kind, watch.url, watch.query) == ("keyword", "", "emploi local")
    page = services.add_source(topic, topic.owner, "https://example.org/news/", kind="page")
    assert page.kind == "page"
    assert Source.objects.filter(topic=topic).count() == 3


def test_duplicates_are_refused_with_a_clear_message(topic: Topic) -> None:
    services.add_source(topic, topic.owner, "https://example.org/feed.xml?utm_source=x")
    with pytest.raises(services.DuplicateSource) as caught:
        services.add_source(topic, topic.owner, "HTTPS://EXAMPLE.ORG/feed.xml")
    assert "surveille déjà" in caught.value.messages[0]
    services.add_source(topic, topic.owner, "Emploi")
    with pytest.raises(services.DuplicateSource):
        services.add_source(topic, topic.owner, "emploi")
    assert Source.objects.filter(topic=topic).count() == 2


def test_a_bad_address_is_refused(topic: Topic) -> None:
    with pytest.raises(InvalidURL):
        services.add_source(topic, topic.owner, "ftp://example.org/feed")
    with pytest.raises(InvalidURL):
        services.add_source(topic, topic.owner, "https://user:pw@example.org/feed")
    with pytest.raises(ValidationError):
        services.add_source(topic, topic.owner, "   ")
    assert not Source.objects.exists()


def test_a_reader_cannot_add_remove_or_tune_but_a_contributor_can(topic: Topic) -> None:
    reader, contributor = make_user("lecteur"), make_user("contrib")
    add_member(topic, contributor, Membership.Role.CONTRIBUTOR)
    source = services.add_source(topic, contributor, "https://example.org/feed.xml")
    with pytest.raises(PermissionDenied):
        services.add_source(topic, reader, "https://example.org/other.xml")
    with pytest.raises(PermissionDenied):
        services.remove_source(source, reader)
    with pytest.raises(PermissionDenied):
        services.update_engine_settings(topic, reader, keywords="emploi")
    with pytest.raises(PermissionDenied):
        services.import_opml(topic, reader, b"<opml><body/></opml>")
    assert Source.objects.filter(topic=topic).count() == 1
    assert not EngineSettings.objects.exists()
    services.update_engine_settings(topic, contributor, keywords="emploi")
    services.remove_source(source, contributor)
    assert not Source.objects.exists()


def test_only_owner_and_editors_turn_visitor_suggestions_off(topic: Topic) -> None:
    contributor, editor = make_user("contrib"), make_user("editeur")
    add_member(topic, contributor, Membership.Role.CONTRIBUTOR)
    add_member(topic, editor, Membership.Role.EDITOR)
    with pytest.raises(PermissionDenied):
        services.update_engine_settings(topic, contributor, visitor_suggestions=False)
    # Saving the form unchanged is fine for a contributor.
    services.update_engine_settings(topic, contributor, visitor_suggestions=True, sort="freshness")
    services.update_engine_settings(topic, editor, visitor_suggestions=False)
    engine = EngineSettings.objects.get(topic=topic)
    assert engine.visitor_suggestions is False and engine.sort == "freshness"


def test_engine_settings_are_cleaned_and_checked(topic: Topic) -> None:
    engine = services.update_engine_settings(
        topic,
        topic.owner,
        keywords=" emploi \n\n formation ",
        included_domains="https://www.Example.org/path\nlemonde.fr\nlemonde.fr",
        none_words="sport",
        max_age_days=7,
    )
    engine.refresh_from_db()
    assert engine.keywords == "emploi\nformation"
    assert engine.included_domains == "example.org\nlemonde.fr"
    assert (engine.none_words, engine.max_age_days) == ("sport", 7)
    for bad in (
        {"max_age_days": 0},
        {"sort": "random"},
        {"excluded_domains": "pas un domaine"},
        {"colour": "red"},
    ):
        with pytest.raises(ValidationError):
            services.update_engine_settings(topic, topic.owner, **bad)
    engine.refresh_from_db()
    assert engine.max_age_days == 7 and engine.sort == "relevance"


def test_new_engine_settings_rank_the_inbox_again_in_the_worker(
    topic: Topic, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        services.update_engine_settings(topic, topic.owner, keywords="apprentissage")
    [task] = DBTaskResult.objects.filter(task_path__endswith="rescore_topic")
    assert task.args_kwargs["args"] == [topic.pk]
