from __future__ import annotations

from django_tasks import task

from . import jobs


@task()
def run_import(job_id: int) -> None:
    jobs.run_import_job(job_id)
