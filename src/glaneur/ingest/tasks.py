from __future__ import annotations

from django_tasks import task

from . import services


@task()
def fetch_post(post_id: int) -> None:
    services.ingest_post(post_id)
