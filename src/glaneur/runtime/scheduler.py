"""Periodic work for `glaneur worker` (the jobs of ``runtime.jobs``): no cron needed, and
safe with many workers."""

from __future__ import annotations

import logging
import threading
from datetime import datetime

from django.db import close_old_connections
from django.utils import timezone
from django.utils.crypto import get_random_string

from .jobs import Job, jobs
from .models import ScheduledJob

logger = logging.getLogger(__name__)


def claim(job: Job, *, owner: str, now: datetime) -> bool:
    """Take the job's next run if it is due; only one caller can win a given run."""
    ScheduledJob.objects.get_or_create(name=job.name, defaults={"next_run_at": now})
    won = ScheduledJob.objects.filter(name=job.name, next_run_at__lte=now).update(
        next_run_at=now + job.every, last_run_at=now, last_owner=owner
    )
    return won == 1


def run_due(*, owner: str = "", now: datetime | None = None) -> list[str]:
    """Run every job whose time has come; returns the names of those run here."""
    ran = []
    for job in jobs():
        if claim(job, owner=owner, now=now or timezone.now()):
            try:
                job.run()
            except Exception:
                logger.exception("scheduled job %s failed", job.name)
            ran.append(job.name)
    return ran


def start_thread(*, interval: float = 5.0) -> threading.Event:
    """Run the scheduler beside the task worker; set the returned event to stop it."""
    stop = threading.Event()
    owner = get_random_string(12)

    def loop() -> None:
        while not stop.is_set():
            close_old_connections()
            try:
                run_due(owner=owner)
            except Exception:
                logger.exception("scheduler pass failed")
            stop.wait(interval)
        close_old_connections()

    threading.Thread(target=loop, name="glaneur-scheduler", daemon=True).start()
    return stop
