"""The enrich step of the post pipeline: run after a post is saved, recorded, retried."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from glaneur import queues
from glaneur.curation.models import Post, PostStep, Topic
from glaneur.curation.pipeline import retry_step, step_names
from glaneur.curation.services import update_post
from glaneur.enrich import services
from glaneur.enrich.models import Analysis, Mention, Quote
from tests.enrich.conftest import post_with

pytestmark = pytest.mark.django_db


def test_enrich_is_a_step_of_the_pipeline() -> None:
    assert "enrich" in step_names()


def test_a_saved_post_is_analysed_after_its_commit(analysed_post: Post) -> None:
    quotes = list(Quote.objects.filter(post=analysed_post).select_related("speaker"))
    assert [q.speaker.name if q.speaker else None for q in quotes] == ["Anne Roux", "Anne Roux"]
    assert quotes[0].text.startswith("Nous voulons accueillir")
    mention = Mention.objects.get(post=analysed_post, actor__name="Anne Roux")
    assert mention.role == "directrice de la mission locale"
    step = PostStep.objects.get(post=analysed_post, name="enrich")
    assert step.state == PostStep.State.DONE
    assert Analysis.objects.get(post=analysed_post).version == services.analyser_version()


def test_nothing_is_analysed_before_the_commit(topic: Topic) -> None:
    post = post_with(topic)
    assert not Quote.objects.filter(post=post).exists()


def test_a_post_whose_text_did_not_change_is_not_analysed_again(
    analysed_post: Post, django_capture_on_commit_callbacks: Any
) -> None:
    report = services.analyse_posts([analysed_post.pk])
    assert report.unchanged == [analysed_post.pk] and report.analysed == []
    with django_capture_on_commit_callbacks(execute=True):
        update_post(
            analysed_post,
            by=analysed_post.topic.owner,
            summary="« Nous ouvrons un second espace à Parthenay dès le mois de mars », "
            "annonce Paul Girard, président.",
        )
    quote = Quote.objects.select_related("speaker").get(post=analysed_post)
    assert quote.speaker is not None and quote.speaker.name == "Paul Girard"


def test_a_failed_analysis_is_recorded_and_run_again_on_retry(
    topic: Topic, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    def broken(fields: Any) -> Any:
        raise RuntimeError("model missing")

    monkeypatch.setattr("glaneur.enrich.analysis.analyser.analyse", broken)
    with django_capture_on_commit_callbacks(execute=True):
        post = post_with(topic)
    step = PostStep.objects.get(post=post, name="enrich")
    assert step.state == PostStep.State.FAILED and "model missing" in step.error
    monkeypatch.undo()
    retry_step(post, "enrich", by=topic.owner)
    assert PostStep.objects.get(post=post, name="enrich").state == PostStep.State.DONE
    assert Quote.objects.filter(post=post).count() == 2


@override_settings(GLANEUR_ENRICH_IN_WORKER=True)
def test_in_production_the_worker_analyses_on_the_nlp_queue(
    topic: Topic, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        post = post_with(topic)
    assert not Quote.objects.filter(post=post).exists()
    task = DBTaskResult.objects.get(task_path="glaneur.enrich.tasks.analyse_posts")
    assert task.queue_name == queues.NLP and task.args_kwargs["args"][0] == [post.pk]


@override_settings(GLANEUR_ENRICH_IN_WORKER=True)
def test_a_new_analyser_version_analyses_posts_again_in_the_background(
    analysed_post: Post, topic: Topic, monkeypatch: pytest.MonkeyPatch
) -> None:
    from glaneur.runtime.jobs import jobs

    job = next(j for j in jobs() if j.name == "enrich-stale-posts")
    never = post_with(topic, title="Jamais lu")  # saved in the test: no event ran
    assert job.run() == 1  # the post never analysed; the other is up to date
    assert job.run() == 0  # its task still waits: nothing enqueued twice
    DBTaskResult.objects.all().delete()
    from glaneur.enrich.analysis import analyser

    monkeypatch.setattr("glaneur.enrich.analysis.analyser.VERSION", analyser.VERSION + 1)
    assert job.run() == 2
    task = DBTaskResult.objects.get(task_path="glaneur.enrich.tasks.analyse_posts")
    assert sorted(task.args_kwargs["args"][0]) == sorted([never.pk, analysed_post.pk])


def test_posts_are_not_analysed_when_the_step_is_off(
    topic: Topic, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.GLANEUR_ENRICH_POSTS = False
    with django_capture_on_commit_callbacks(execute=True):
        post = post_with(topic)
    assert not Quote.objects.filter(post=post).exists()
    assert not DBTaskResult.objects.filter(task_path="glaneur.enrich.tasks.analyse_posts").exists()


def test_the_step_keeps_the_nouns_and_adjectives_for_tag_suggestions(analysed_post: Any) -> None:
    from glaneur.enrich.models import Analysis

    keywords = set(Analysis.objects.get(post=analysed_post).keywords)
    assert {"espace", "parcours", "directrice"} <= keywords
    assert not keywords & {"explique", "voulons", "accueillir", "les", "dans"}


@override_settings(GLANEUR_ENRICH_IN_WORKER=True)
def test_a_change_that_leaves_the_texts_as_they_were_enqueues_nothing(
    analysed_post: Post, django_capture_on_commit_callbacks: Any
) -> None:
    DBTaskResult.objects.all().delete()
    owner = analysed_post.topic.owner
    with django_capture_on_commit_callbacks(execute=True):
        update_post(analysed_post, by=owner, tags=["jeunes", "niort"])
    assert analysed_post.tags.count() == 2  # the post did change
    assert not DBTaskResult.objects.filter(task_path="glaneur.enrich.tasks.analyse_posts").exists()
    with django_capture_on_commit_callbacks(execute=True):
        update_post(analysed_post, by=owner, insight="Un espace de plus pour les jeunes.")
    task = DBTaskResult.objects.get(task_path="glaneur.enrich.tasks.analyse_posts")
    assert task.args_kwargs["args"][0] == [analysed_post.pk]
