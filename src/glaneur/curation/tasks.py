"""Background work of the curation app; thin wrappers that take ids."""

from __future__ import annotations

from django_tasks import task

from glaneur import queues

from . import pipeline


@task(queue_name=queues.SCOOPS)
def read_post(post_id: int) -> None:
    pipeline.read(post_id)
