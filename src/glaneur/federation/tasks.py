"""Background work of federation; thin wrappers."""

from __future__ import annotations

from django_tasks import task

from glaneur import queues

from . import services


@task(queue_name=queues.FEDERATION)
def deliver(delivery_id: int) -> bool:
    return services.deliver(delivery_id)
