"""Periodic work for `glaneur worker`: no cron needed, and safe with many workers."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import close_old_connections
from django.utils import timezone
from django.utils.crypto import get_random_string

from .models import ScheduledJob

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable[[], object]


def _publish_due_posts() -> int:
    from .services import publish_due_posts

    return publish_due_posts()


JOBS: list[Job] = [Job("publish-due-posts", timedelta(seconds=15), _publish_due_posts)]


def register(name: str, every: timedelta, run: Callable[[], object]) -> None:
    """Add periodic work (call from an AppConfig.ready); a second call with a name replaces it."""
    JOBS[:] = [job for job in JOBS if job.name != name]
    JOBS.append(Job(name, every, run))


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
    for job in JOBS:
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
