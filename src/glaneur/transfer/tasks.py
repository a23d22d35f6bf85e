from __future__ import annotations

from django_tasks import task

from glaneur import queues

from . import jobs


@task(queue_name=queues.IMPORTS)
def run_import(job_id: int) -> None:
    jobs.run_import_job(job_id)
