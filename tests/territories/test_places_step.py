"""The ``places`` step of the pipeline: a post's places follow its text, corrections stay."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from glaneur.curation import services
from glaneur.curation.models import Post, PostStep, Topic
from glaneur.territories import services as places
from glaneur.territories.models import LocatedPost, PostPlace
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def found(post: Post) -> set[tuple[str, str]]:
    return {(p.kind, p.code) for p in PostPlace.objects.filter(post=post, removed=False)}


def test_a_new_post_gets_its_places_and_the_step_is_recorded(topic: Topic, curator: Any) -> None:
    post = services.create_post(
        topic,
        by=curator,
        title="Deux-Sèvres : un rallye des métiers",
        summary="Des forums à Melle, Parthenay et Niort ; la Mission locale de Bressuire suit.",
    )
    assert found(post) == {
        ("department", "79"),
        ("commune", "79174"),
        ("commune", "79202"),
        ("commune", "79191"),
        ("commune", "79049"),
    }
    bressuire = PostPlace.objects.get(post=post, code="79049")
    assert not bressuire.in_story and bressuire.weight == 0.5  # in an organisation's name
    assert PostStep.objects.get(post=post, name="places").state == PostStep.State.DONE


def test_places_follow_an_edit_and_a_curators_corrections_stay(topic: Topic, curator: Any) -> None:
    post = services.create_post(topic, by=curator, title="Forum à Poitiers", summary="")
    assert found(post) == {("commune", "86194")}
    places.correct_place(post, by=curator, kind="commune", code="86194", keep=False)
    places.correct_place(post, by=curator, kind="department", code="16", keep=True)
    services.update_post(post, by=curator, summary="Puis à Agen et à Poitiers.")
    assert found(post) == {("commune", "47001"), ("department", "16")}
    places.locate_posts([post.pk], force=True)
    assert found(post) == {("commune", "47001"), ("department", "16")}


def test_the_topics_territory_settles_a_homonym(topic: Topic, curator: Any) -> None:
    for town in ("Tarbes", "Lourdes", "Bagnères-de-Bigorre"):
        services.create_post(topic, by=curator, title=f"Un forum de l'emploi à {town}")
    post = services.create_post(topic, by=curator, title="Un atelier ouvre à Saint-Savin")
    assert found(post) == {("commune", "65396")}  # Saint-Savin, Hautes-Pyrénées
    elsewhere = services.create_post(
        services.create_topic(owner=curator, title="Ailleurs", slug="ailleurs"),
        by=curator,
        title="Un atelier ouvre à Saint-Savin",
    )
    assert found(elsewhere) == set()  # four namesakes, no evidence: none is guessed


def test_an_unchanged_text_is_not_located_again(topic: Topic, curator: Any) -> None:
    post = services.create_post(topic, by=curator, title="Forum à Poitiers")
    first = LocatedPost.objects.get(post=post).located_at
    services.update_post(post, by=curator, pinned=True)
    report = places.locate_posts([post.pk])
    assert report.unchanged == [post.pk] and report.located == []
    assert LocatedPost.objects.get(post=post).located_at == first


def test_only_who_may_edit_the_post_corrects_its_places(topic: Topic, curator: Any) -> None:
    post = services.create_post(topic, by=curator, title="Forum à Poitiers")
    with pytest.raises(PermissionDenied):
        places.correct_place(
            post, by=make_user("passant"), kind="commune", code="86194", keep=False
        )
    assert found(post) == {("commune", "86194")}


def test_a_failure_is_recorded_and_the_step_runs_again_alone(
    topic: Topic, curator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("gazetteer illisible")

    with monkeypatch.context() as patch:
        patch.setattr("glaneur.territories.resolve.find_places", broken)
        post = services.create_post(topic, by=curator, title="Forum à Poitiers", insight="Vu")
    step = PostStep.objects.get(post=post, name="places")
    assert step.state == PostStep.State.FAILED and "illisible" in step.error
    assert Post.objects.get(pk=post.pk).insight == "Vu"
    from glaneur.curation import pipeline

    pipeline.retry_step(post, "places", by=curator)
    assert PostStep.objects.get(post=post, name="places").state == PostStep.State.DONE
    assert found(post) == {("commune", "86194")}


def test_the_command_prints_each_posts_places(topic: Topic, curator: Any) -> None:
    import json
    from io import StringIO

    from django.core.management import CommandError, call_command

    post = services.create_post(topic, by=curator, title="Forum à Poitiers, dans la Vienne")
    out = StringIO()
    call_command("places", str(post.pk), "--json", "--force", stdout=out)
    line = json.loads(out.getvalue())
    assert {(p["kind"], p["code"]) for p in line["places"]} == {
        ("commune", "86194"),
        ("department", "86"),
    }
    with pytest.raises(CommandError):
        call_command("places", "999999")
