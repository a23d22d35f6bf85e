"""Background work of the search app; thin wrappers."""

from __future__ import annotations

from django_tasks import task

from glaneur import queues

from . import services


@task(queue_name=queues.INDEX)
def merge_shards() -> int:
    return services.merge_shards()


@task(queue_name=queues.INDEX)
def index_posts(post_ids: list[int]) -> None:
    services.index_posts(post_ids)
