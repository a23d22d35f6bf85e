"""Background work of the search app; thin wrappers."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def merge_shards() -> int:
    return services.merge_shards()


@task()
def index_posts(post_ids: list[int]) -> None:
    services.index_posts(post_ids)
