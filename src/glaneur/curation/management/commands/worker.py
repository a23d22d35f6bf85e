"""``glaneur worker``: runs background tasks from every queue of the database back end.

Beside django-tasks' database worker loop it runs the scheduler (periodic jobs) and a
heartbeat that renews this worker's lease; a database that is busy or gone for a moment
never ends the worker: the loop waits and starts again.
"""

from __future__ import annotations

import logging
import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, connections
from django.utils.crypto import get_random_string
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks_db.management.commands.db_worker import Worker

from glaneur.curation.scheduler import run_due, start_thread
from glaneur.curation.workers import forget, start_heartbeat

logger = logging.getLogger("glaneur.worker")

# Pause before the task loop starts again after a database error.
RESTART_PAUSE = 1.0


class PatientWorker(Worker):
    """django-tasks' worker, which never dies of a busy (SQLite) or dropped database."""

    def run(self) -> None:
        while True:
            try:
                super().run()
                return
            except DatabaseError:
                if not self.running:
                    raise
                # Claiming or recording a task found the database locked or unreachable:
                # the task row keeps its state (a lost claim is recovered by the lease).
                logger.warning("database error in the task loop; going on", exc_info=True)
                for connection in connections.all():
                    connection.close_if_unusable_or_obsolete()
                    if connection.in_atomic_block:
                        connection.close()
                self.startup_delay = False
                time.sleep(RESTART_PAUSE)


class Command(BaseCommand):
    help = "Run the background worker (all task queues). Start as many as the load needs."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait before polling again when no task is ready (default 1).",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Run the tasks that are ready now, then exit.",
        )

    def handle(self, *args: Any, interval: float, batch: bool, **options: Any) -> None:
        level = logging.INFO if options["verbosity"] else logging.CRITICAL
        for name in ("django_tasks", "django_tasks_db"):
            tasks_logger = logging.getLogger(name)
            tasks_logger.setLevel(level)
            if not tasks_logger.hasHandlers():
                tasks_logger.addHandler(logging.StreamHandler(self.stdout))
        worker_id = get_random_string(32)
        worker = PatientWorker(
            queue_names=["*"],
            interval=interval,
            batch=batch,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=not batch,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        if batch:
            run_due()
            worker.run()
            return
        # The lease first: tasks claimed from now on belong to a worker others see alive.
        heartbeat = start_heartbeat(worker_id)
        # Periodic work (scheduled posts, leases, digests) runs beside the task loop; each
        # run is claimed in the database, so many workers never repeat one.
        scheduler = start_thread(interval=min(5.0, max(settings.GLANEUR_WORKER_LEASE / 2, 0.5)))
        worker.configure_signals()
        try:
            worker.run()
        finally:
            scheduler.set()
            heartbeat.set()
            try:
                forget(worker_id)
            except DatabaseError:
                logger.warning("worker %s could not remove its lease", worker_id)
