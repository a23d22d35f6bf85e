"""Background work for visitors' suggestions; thin wrappers that take ids."""

from __future__ import annotations

from django_tasks import task

from glaneur import queues

from . import notices


@task(queue_name=queues.POLLING)
def read_suggested(candidate_id: int) -> None:
    notices.read_suggested(candidate_id)


@task(queue_name=queues.MAIL)
def tell_suggesters(suggestion_ids: list[int]) -> None:
    notices.tell_suggesters(suggestion_ids)
