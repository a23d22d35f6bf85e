"""Background polling of the sources; thin wrappers that take ids."""

from __future__ import annotations

from django_tasks import task
from django_tasks_db.models import DBTaskResult

from glaneur import queues

from . import polling


@task(queue_name=queues.POLLING)
def poll_round() -> int:
    """Poll every due source (enqueued every minute by the scheduler); sources polled."""
    return len(polling.poll_due())


@task(queue_name=queues.POLLING)
def poll_sources(source_ids: list[int], force: bool = True) -> int:
    """Poll these sources now ("poll now"), never before a site's Retry-After."""
    return sum(
        1 for outcome in polling.poll_many(source_ids, force=force) if outcome.state != "skipped"
    )


def enqueue_round() -> bool:
    """Enqueue a round when sources are due and no round is already waiting (a slow round
    does not pile up others behind it)."""
    if not polling.due_source_ids(limit=1):
        return False
    if DBTaskResult.objects.filter(task_path=poll_round.module_path, status="READY").exists():
        return False
    poll_round.enqueue()
    return True
