"""Leases on background work: a task claimed by a worker that died is taken again.

``glaneur worker`` records itself in ``WorkerProcess`` and renews ``seen_at`` every quarter
of ``GLANEUR_WORKER_LEASE``. The scheduler's ``recover-abandoned-tasks`` job looks for tasks
still RUNNING whose worker has not been seen for a whole lease: each goes back to READY, to
be claimed by a live worker; one abandoned ``MAX_CLAIMS`` times (a task that kills its
worker) is marked failed, and the callback registered for its task (``on_abandoned``) writes
the outcome where a person sees it (the post's state, for a fetch).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .models import WorkerProcess

logger = logging.getLogger(__name__)

MAX_CLAIMS = 3
RUNNING, READY, FAILED = "RUNNING", "READY", "FAILED"

# Task path -> what to do when the task is given up (its arguments as stored).
_abandoned: dict[str, Callable[..., object]] = {}


def on_abandoned(task_path: str, callback: Callable[..., object]) -> None:
    """Call ``callback(*args, **kwargs)`` of a task given up after dying with its workers."""
    _abandoned[task_path] = callback


def lease() -> timedelta:
    return timedelta(seconds=settings.GLANEUR_WORKER_LEASE)


def beat(worker_id: str, *, now: datetime | None = None) -> None:
    """Say this worker is alive (renews the lease on every task it runs)."""
    now = now or timezone.now()
    updated = WorkerProcess.objects.filter(worker_id=worker_id).update(seen_at=now)
    if not updated:
        WorkerProcess.objects.update_or_create(
            worker_id=worker_id,
            defaults={"host": socket.gethostname()[:255], "pid": os.getpid(), "seen_at": now},
        )


def forget(worker_id: str) -> None:
    """A worker that stops cleanly leaves no lease behind."""
    WorkerProcess.objects.filter(worker_id=worker_id).delete()


def start_heartbeat(worker_id: str) -> threading.Event:
    """Renew the lease from a thread beside the task loop; set the event to stop it."""
    stop = threading.Event()
    every = max(settings.GLANEUR_WORKER_LEASE / 4, 0.2)

    def loop() -> None:
        while not stop.is_set():
            close_old_connections()
            try:
                beat(worker_id)
            except DatabaseError:
                # A busy database delays one beat; the lease outlasts several.
                logger.warning("worker %s could not renew its lease", worker_id, exc_info=True)
            stop.wait(every)
        close_old_connections()

    beat(worker_id)
    threading.Thread(target=loop, name="glaneur-heartbeat", daemon=True).start()
    return stop


def recover_abandoned_tasks(now: datetime | None = None) -> int:
    """Hand the tasks of dead workers to live ones; returns how many were recovered."""
    now = now or timezone.now()
    cutoff = now - lease()
    live = set(
        WorkerProcess.objects.filter(seen_at__gte=cutoff).values_list("worker_id", flat=True)
    )
    recovered = 0
    stale = DBTaskResult.objects.filter(status=RUNNING, started_at__lt=cutoff)
    for task_id, worker_ids, started_at in stale.values_list("pk", "worker_ids", "started_at"):
        if worker_ids and worker_ids[-1] in live:
            continue  # a long task of a live worker
        recovered += _recover(task_id, started_at, len(worker_ids or []), now)
    WorkerProcess.objects.filter(seen_at__lt=now - 10 * lease()).delete()
    return recovered


def _recover(task_id: Any, started_at: datetime | None, claims: int, now: datetime) -> int:
    with transaction.atomic():
        # Conditional on the claim we saw: a worker finishing meanwhile keeps its result.
        same = DBTaskResult.objects.filter(pk=task_id, status=RUNNING, started_at=started_at)
        if claims < MAX_CLAIMS:
            done = same.update(status=READY, run_after=now)
            if done:
                logger.warning("task %s: its worker stopped; handed to another", task_id)
            return done
        done = same.update(
            status=FAILED,
            finished_at=now,
            exception_class_path="glaneur.curation.workers.WorkerLost",
            traceback=f"Abandoned by {claims} workers that stopped while running it.",
        )
        if not done:
            return 0
        task = DBTaskResult.objects.get(pk=task_id)
    logger.error("task %s given up: %d workers stopped while running it", task_id, claims)
    callback = _abandoned.get(task.task_path)
    if callback is not None:
        args_kwargs = task.args_kwargs or {}
        try:
            callback(*args_kwargs.get("args", []), **args_kwargs.get("kwargs", {}))
        except Exception:
            logger.exception("could not record the end of task %s", task_id)
    return done
