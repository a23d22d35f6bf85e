"""URL → post, end to end: scoop, the real worker, the loopback fixture server."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from glaneur.curation.models import Post
from glaneur.curation.services import DuplicatePost, publish_due_posts, refetch, scoop_url
from glaneur.ingest.captures import store_capture
from glaneur.runtime import scheduler
from glaneur.runtime.models import ScheduledJob

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, queue_name="*", verbosity=0
    )


def test_scoop_saves_the_post_at_once_then_the_worker_fills_it(
    topic: Any, fixture_server: Any
) -> None:
    url = fixture_server.url("/article.html")
    post = scoop_url(topic, url, by=topic.owner, insight="À *lire*", tags="emploi, jeunes")
    post.refresh_from_db()
    assert post.state == Post.State.QUEUED
    assert post.insight == "À *lire*" and post.title == url
    assert sorted(post.tags.values_list("name", flat=True)) == ["emploi", "jeunes"]
    # One read of the page (later steps of the pipeline enqueue tasks of their own).
    assert DBTaskResult.objects.filter(task_path="glaneur.curation.tasks.read_post").count() == 1
    run_worker()
    post.refresh_from_db()
    assert post.state == Post.State.READY, post.state_error
    assert post.title != url and post.summary and post.main_text
    assert post.image_url and post.image_candidates and post.image_url == post.image_candidates[0]
    assert post.site_name
    assert post.insight == "À *lire*"  # the curator's words are untouched
    assert "/article.html" in fixture_server.requests


def test_a_missing_page_fails_with_a_reason_and_keeps_the_insight(
    topic: Any, fixture_server: Any
) -> None:
    post = scoop_url(topic, fixture_server.url("/missing"), by=topic.owner, insight="Mon avis")
    run_worker()
    post.refresh_from_db()
    assert post.state == Post.State.FAILED
    assert "404" in post.state_error
    assert post.insight == "Mon avis"


def test_a_challenge_page_blocks_the_post_and_never_takes_its_title(
    topic: Any, fixture_server: Any
) -> None:
    post = scoop_url(topic, fixture_server.url("/challenge.html"), by=topic.owner)
    run_worker()
    post.refresh_from_db()
    assert post.state == Post.State.BLOCKED
    assert "moment" not in post.title.lower()
    assert post.state_error


def test_rate_limited_fetch_is_retried_after_the_delay_the_server_asked(
    topic: Any, fixture_server: Any
) -> None:
    post = scoop_url(topic, fixture_server.url("/rate-limited"), by=topic.owner)
    before = timezone.now()
    run_worker()
    post.refresh_from_db()
    assert post.state == Post.State.QUEUED
    assert post.fetch_attempts == 1 and post.state_error
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.run_after is not None
    assert retry.run_after >= before + timedelta(seconds=6)


def test_second_scoop_of_the_same_page_is_refused(topic: Any, fixture_server: Any) -> None:
    first = scoop_url(topic, fixture_server.url("/article.html"), by=topic.owner)
    with pytest.raises(DuplicatePost) as refused:
        scoop_url(topic, fixture_server.url("/article.html") + "?utm_source=x#top", by=topic.owner)
    assert refused.value.existing == first


def test_bookmarklet_copy_is_extracted_without_fetching(topic: Any, fixture_server: Any) -> None:
    url = fixture_server.url("/paywalled.html")
    html = (
        "<html lang='fr'><head><title>Article réservé aux abonnés</title>"
        "<meta property='og:title' content='Le plan régional pour l’emploi des jeunes'>"
        "</head><body><article><h1>Le plan régional pour l’emploi des jeunes</h1>"
        + "<p>La Région Nouvelle-Aquitaine finance un nouveau plan pour l’emploi. </p>" * 20
        + "</article></body></html>"
    )
    token = store_capture(url=url, title="Article", html=html)
    post = scoop_url(topic, url, by=topic.owner, capture_token=token)
    run_worker()
    post.refresh_from_db()
    assert post.state == Post.State.READY, post.state_error
    assert post.title == "Le plan régional pour l’emploi des jeunes"
    assert "/paywalled.html" not in fixture_server.requests


def test_refetch_reads_the_page_again(topic: Any, fixture_server: Any) -> None:
    post = scoop_url(topic, fixture_server.url("/article.html"), by=topic.owner)
    run_worker()
    refetch(Post.objects.get(pk=post.pk), by=topic.owner)
    assert Post.objects.get(pk=post.pk).state == Post.State.QUEUED
    run_worker()
    assert Post.objects.get(pk=post.pk).state == Post.State.READY
    assert fixture_server.requests.count("/article.html") == 2


def test_scheduled_post_is_published_when_due(topic: Any) -> None:
    from glaneur.curation.services import create_post

    post = create_post(
        topic,
        by=topic.owner,
        title="Plus tard",
        status=Post.Status.SCHEDULED,
        publish_at=timezone.now() + timedelta(hours=1),
    )
    assert publish_due_posts() == 0
    assert publish_due_posts(now=timezone.now() + timedelta(hours=2)) == 1
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED


def test_two_schedulers_never_run_the_same_job_twice() -> None:
    now = timezone.now()
    first = scheduler.run_due(owner="a", now=now)
    second = scheduler.run_due(owner="b", now=now)
    assert "publish-due-posts" in first and second == []
    assert ScheduledJob.objects.get(name="publish-due-posts").last_owner == "a"
    later = scheduler.run_due(owner="b", now=now + timedelta(minutes=1))
    assert "publish-due-posts" in later


def test_cli_scoop_waits_and_prints_the_final_state(topic: Any, fixture_server: Any) -> None:
    out, err = StringIO(), StringIO()
    call_command(
        "scoop",
        topic.slug,
        fixture_server.url("/article.html"),
        "--insight",
        "Vu",
        "--tag",
        "emploi",
        "--wait",
        "0",
        stdout=out,
        stderr=err,
    )
    assert ": ready —" in out.getvalue()
    assert "queued" in err.getvalue()
    post = Post.objects.get()
    assert post.insight == "Vu" and post.state == Post.State.READY
