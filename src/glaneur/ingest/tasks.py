from __future__ import annotations

from django_tasks import task

from glaneur.runtime import queues

from . import services


@task(queue_name=queues.SCOOPS)
def fetch_post(post_id: int) -> None:
    services.ingest_post(post_id)
