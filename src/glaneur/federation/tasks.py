"""Background work of federation; thin wrappers."""

from __future__ import annotations

from django_tasks import task

from glaneur import queues

from . import services


@task(queue_name=queues.FEDERATION)
def deliver(delivery_ids: list[int]) -> int:
    return services.deliver_many(delivery_ids)
