"""Each kind of work has its queue, and a burst of one never delays a curator's scoop."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from glaneur import queues
from glaneur.curation.models import Post
from glaneur.curation.services import scoop_url
from glaneur.runtime.management.commands.worker import lanes
from glaneur.search.tasks import index_posts
from tests.processes import child_env, glaneur_process, run_glaneur
from tests.runtime.slow_tasks import slow_mail

ROOT = Path(__file__).resolve().parent.parent.parent
BURST = 20


def test_each_kind_of_work_has_its_queue() -> None:
    from glaneur.audience.tasks import send_due_digests, send_issue
    from glaneur.curation.tasks import read_post
    from glaneur.transfer.tasks import run_import

    assert read_post.queue_name == queues.SCOOPS
    assert index_posts.queue_name == queues.INDEX
    assert send_issue.queue_name == send_due_digests.queue_name == queues.MAIL
    assert run_import.queue_name == queues.IMPORTS


def test_a_worker_of_every_queue_runs_each_kind_in_its_own_lane() -> None:
    assert lanes("*") == [
        ([queues.SCOOPS], []),
        ([queues.INDEX], []),
        ([queues.NLP], []),
        ([queues.FEDERATION], []),  # a dead server's timeouts delay no other work
        ([queues.POLLING], []),  # nor a thousand feeds to poll
        (
            ["*"],
            [queues.SCOOPS, queues.INDEX, queues.NLP, queues.FEDERATION, queues.POLLING],
        ),
    ]
    assert lanes("mail,imports") == [([queues.MAIL, queues.IMPORTS], [])]


@pytest.mark.django_db(transaction=True)
def test_an_unknown_queue_is_refused() -> None:
    done = run_glaneur("worker", "--queue", "mails")
    assert done.returncode != 0 and "mails" in done.stderr


def _finished_mail() -> int:
    return DBTaskResult.objects.filter(task_path=slow_mail.module_path, status="SUCCESSFUL").count()


@pytest.mark.django_db(transaction=True)
def test_a_mail_burst_does_not_delay_a_scoop(topic: Any, fixture_server: Any) -> None:
    for _ in range(BURST):
        slow_mail.enqueue(0.5)
    post = scoop_url(topic, fixture_server.url("/article.html"), by=topic.owner)
    worker = glaneur_process("worker", env=child_env(PYTHONPATH=str(ROOT)))
    try:
        deadline = time.monotonic() + 60
        while Post.objects.get(pk=post.pk).state != Post.State.READY:
            assert time.monotonic() < deadline, "the scoop was never read"
            assert worker.poll() is None, worker.stderr.read().decode()  # type: ignore[union-attr]
            time.sleep(0.1)
        # Read while the burst was still being sent, not after it.
        assert _finished_mail() < BURST // 2
    finally:
        worker.terminate()
        worker.wait(30)
    # TERM lets the running task end: nothing is left RUNNING.
    assert not DBTaskResult.objects.filter(status="RUNNING").exists()


@pytest.mark.django_db(transaction=True)
def test_a_worker_of_one_queue_leaves_the_others(topic: Any, fixture_server: Any) -> None:
    slow_mail.enqueue(0)
    post = scoop_url(topic, fixture_server.url("/article.html"), by=topic.owner)
    done = run_glaneur(
        "worker", "--batch", "--queue", queues.MAIL, env=child_env(PYTHONPATH=str(ROOT))
    )
    assert done.returncode == 0, done.stderr
    assert _finished_mail() == 1
    assert Post.objects.get(pk=post.pk).state == Post.State.QUEUED
