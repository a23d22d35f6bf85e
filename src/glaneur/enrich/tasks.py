"""Background work of the enrich app (queue ``nlp``: spaCy is loaded once per worker)."""

from __future__ import annotations

from django_tasks import task

from glaneur import queues

from . import services


@task(queue_name=queues.NLP)
def analyse_posts(post_ids: list[int], force: bool = False) -> None:
    services.analyse_posts(post_ids, force=force)
