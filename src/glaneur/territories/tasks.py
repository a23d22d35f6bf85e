"""The worker's side of the ``places`` step (queue nlp, with the other text analyses)."""

from __future__ import annotations

from django_tasks import task

from glaneur import queues

from . import services


@task(queue_name=queues.NLP)
def locate_posts(post_ids: list[int], force: bool = False) -> None:
    services.locate_posts(post_ids, force=force)


@task(queue_name=queues.NLP)
def look_up_place(lookup_id: int) -> None:
    services.run_lookup(lookup_id)
