"""What people write survives the background pipeline: edits during a fetch, dead workers,
many scoops at once (real worker processes, the loopback page server, the test database)."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from typing import Any

import lxml.html
import pytest
from django.db import connection
from django.test import Client
from django_tasks_db.models import DBTaskResult

from glaneur.audience.services import add_comment
from glaneur.curation.models import Post
from glaneur.curation.services import publish, scoop_url, update_post
from glaneur.search.services import search
from tests.factories import make_user
from tests.processes import child_env, glaneur_process, run_glaneur, task_loop

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "À Limoges, une « école de la deuxième chance » ouvre ses portes aux décrocheurs"

# Later steps of the pipeline (places, actors) enqueue tasks of their own.
READ_POST = "glaneur.curation.tasks.read_post"


def run_worker_in_thread() -> threading.Thread:
    """The task loop of `glaneur worker` (batch mode), in a thread of this process."""

    def work() -> None:
        try:
            task_loop("test-thread").run()
        finally:
            connection.close()

    thread = threading.Thread(target=work)
    thread.start()
    return thread


def wait_for(condition: Callable[[], bool], *, within: float = 60) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def test_edits_publication_and_comment_made_during_a_fetch_are_kept(
    topic: Any, fixture_server: Any
) -> None:
    gate = fixture_server.gate("/article.html")
    url = fixture_server.url("/article.html")
    post = scoop_url(topic, url, by=topic.owner, insight="Premier regard", status="draft")
    worker = run_worker_in_thread()
    assert gate.arrived.wait(30), "the worker never asked for the page"
    # Meanwhile a curator retitles the post and rewrites the insight, then publishes it,
    # and a reader comments.
    update_post(post, by=topic.owner, title="Mon titre à moi", insight="Regard **revu**")
    publish(Post.objects.get(pk=post.pk), by=topic.owner)
    add_comment(Post.objects.get(pk=post.pk), by=make_user("lectrice"), text="Merci !")
    gate.opened.set()
    worker.join(60)
    post.refresh_from_db()
    assert post.state == Post.State.READY, post.state_error
    assert post.title == "Mon titre à moi"
    assert post.insight == "Regard **revu**" and "<strong>revu</strong>" in post.insight_html
    assert post.status == Post.Status.PUBLISHED
    assert post.comment_count == 1
    # What the person did not set comes from the page.
    assert post.summary and post.main_text and post.site_name


def test_fields_a_person_cleared_are_not_filled_again(topic: Any, fixture_server: Any) -> None:
    gate = fixture_server.gate("/article.html")
    post = scoop_url(topic, fixture_server.url("/article.html"), by=topic.owner)
    worker = run_worker_in_thread()
    assert gate.arrived.wait(30)
    update_post(post, by=topic.owner, summary="", image_url="")
    gate.opened.set()
    worker.join(60)
    post.refresh_from_db()
    assert post.state == Post.State.READY
    assert post.title == TITLE  # the URL placeholder is the fetch's to replace
    assert post.summary == "" and post.image_url == ""
    assert post.image_candidates  # still offered in the picker
    assert {"summary", "image_url"} <= set(post.edited_fields)


def _form_fields(html: str) -> dict[str, str]:
    """What a browser would send for the post form as the page showed it."""
    form = next(f for f in lxml.html.fromstring(html).forms if "summary" in f.fields)
    return {name: value or "" for name, value in form.form_values()}


def test_two_curators_saving_the_edit_form_keep_each_others_changes(
    topic: Any, fixture_server: Any, client: Client
) -> None:
    post = scoop_url(topic, fixture_server.url("/article.html"), by=topic.owner)
    worker = run_worker_in_thread()
    worker.join(60)
    edit = f"/topic/{topic.slug}/p/{post.pk}/edit/"
    client.force_login(topic.owner)
    shown = _form_fields(client.get(edit).content.decode())
    assert shown["summary"]  # the fetch's summary, shown in the form
    # Meanwhile an editor rewrites the summary (and the worker would do the same).
    update_post(Post.objects.get(pk=post.pk), by=topic.owner, summary="Résumé d'une éditrice")
    # The first curator only typed an insight in the form they had open.
    response = client.post(edit, {**shown, "insight": "Mon regard", "action": "save"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.insight == "Mon regard"
    assert post.summary == "Résumé d'une éditrice"
    assert post.title == TITLE and post.image_url


def test_a_worker_killed_mid_fetch_is_replaced_and_the_post_ends_ready(
    topic: Any, fixture_server: Any
) -> None:
    gate = fixture_server.gate("/article.html")
    post = scoop_url(topic, fixture_server.url("/article.html"), by=topic.owner, insight="À moi")
    env = child_env(GLANEUR_WORKER_LEASE="2")
    first = glaneur_process("worker", env=env)
    try:
        assert gate.arrived.wait(60), first.stderr.read1().decode()  # type: ignore[union-attr]
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        first.kill()
    assert Post.objects.get(pk=post.pk).state == Post.State.FETCHING
    assert DBTaskResult.objects.get(task_path=READ_POST).status == "RUNNING"
    gate.opened.set()  # the page answers again, to the next worker
    second = glaneur_process("worker", env=env)
    try:
        assert wait_for(lambda: Post.objects.get(pk=post.pk).state == Post.State.READY)
        assert second.poll() is None
    finally:
        second.terminate()
        second.wait(20)
    post.refresh_from_db()
    assert post.title == TITLE and post.insight == "À moi" and post.main_text
    assert post.fetch_attempts == 2
    assert DBTaskResult.objects.get(task_path=READ_POST).status == "SUCCESSFUL"
    assert fixture_server.requests.count("/article.html") == 2


def test_a_fetch_that_kills_every_worker_ends_failed_with_a_reason(topic: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from glaneur.curation.tasks import read_post
    from glaneur.runtime.workers import MAX_CLAIMS, recover_abandoned_tasks

    post = scoop_url(topic, "https://example.org/piege", by=topic.owner, insight="Gardé")
    result = DBTaskResult.objects.get(task_path=READ_POST)
    started = timezone.now() - timedelta(hours=1)
    for claim in range(MAX_CLAIMS):
        DBTaskResult.objects.filter(pk=result.pk).update(
            status="RUNNING", started_at=started, worker_ids=[f"dead-{n}" for n in range(claim + 1)]
        )
        Post.objects.filter(pk=post.pk).update(state=Post.State.FETCHING)
        assert recover_abandoned_tasks() == 1
    assert result.task_path == read_post.module_path
    assert DBTaskResult.objects.get(task_path=READ_POST).status == "FAILED"
    post.refresh_from_db()
    assert post.state == Post.State.FAILED and post.state_error
    assert post.insight == "Gardé"


def test_glaneur_scoop_stops_waiting_at_its_deadline(topic: Any, fixture_server: Any) -> None:
    # No worker runs, and the command is told to wait longer than its deadline.
    done = run_glaneur(
        "scoop", topic.slug, fixture_server.url("/article.html"), "--wait", "60", "--timeout", "2"
    )
    assert done.returncode != 0
    assert "2 s" in done.stderr and "glaneur worker" in done.stderr
    assert Post.objects.get().state == Post.State.QUEUED  # saved, for a worker to finish


def test_scoops_from_many_processes_at_once_are_all_kept(topic: Any, fixture_server: Any) -> None:
    count = 8
    env = child_env(GLANEUR_INDEX_IN_WORKER="1")
    worker = glaneur_process("worker", env=env)
    try:
        scoops = [
            glaneur_process(
                "scoop",
                topic.slug,
                fixture_server.url(f"/article.html?n={n}"),
                "--insight",
                f"Regard {n}",
                env=env,
            )
            for n in range(count)
        ]
        outcomes = [(scoop.wait(240), scoop.stderr.read().decode()) for scoop in scoops]  # type: ignore[union-attr]
        assert [code for code, _err in outcomes] == [0] * count, outcomes
        assert worker.poll() is None, "the worker died"
        posts = Post.objects.filter(topic=topic)
        assert sorted(posts.values_list("insight", flat=True)) == [
            f"Regard {n}" for n in range(count)
        ]
        assert set(posts.values_list("state", flat=True)) == {Post.State.READY}
        # Indexed by the worker, after the scoops' transactions.
        assert wait_for(lambda: len(search("deuxième chance", topic=topic).hits) == count)
    finally:
        worker.terminate()
        worker.wait(20)
