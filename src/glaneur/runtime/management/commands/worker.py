"""``glaneur worker``: runs background tasks from every queue of the database back end.

Beside django-tasks' database worker loop it runs the scheduler (periodic jobs) and a
heartbeat that renews this worker's lease; a database that is busy or gone for a moment
never ends the worker: the loop waits and starts again.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from argparse import ArgumentParser
from types import FrameType
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from glaneur import queues
from glaneur.runtime.scheduler import run_due, start_thread
from glaneur.runtime.workers import forget, start_heartbeat

logger = logging.getLogger("glaneur.worker")

# Pause before the task loop starts again after a database error.
RESTART_PAUSE = 1.0


class PatientWorker(Worker):
    """django-tasks' worker, which never dies of a busy (SQLite) or dropped database."""

    # A task this loop claimed whose outcome could not be recorded (the database failed).
    _unrecorded: UUID | None = None

    def run(self) -> None:
        while True:
            try:
                self._hand_back_unrecorded()
                super().run()
                return
            except DatabaseError:
                if not self.running:
                    raise
                # Claiming or recording a task found the database locked or unreachable.
                logger.warning("database error in the task loop; going on", exc_info=True)
                for connection in connections.all():
                    connection.close_if_unusable_or_obsolete()
                    if connection.in_atomic_block:
                        connection.close()
                self.startup_delay = False
                time.sleep(RESTART_PAUSE)

    def run_task(self, db_task_result: DBTaskResult[Any, Any]) -> None:
        self._unrecorded = db_task_result.pk
        super().run_task(db_task_result)  # records the outcome; raises if it cannot
        self._unrecorded = None

    def _hand_back_unrecorded(self) -> None:
        """A task left RUNNING by a failed recording would wait for this (live) worker
        forever: it goes back to the queue, to be run again (tasks are safe to re-run)."""
        if self._unrecorded is None:
            return
        DBTaskResult.objects.filter(pk=self._unrecorded, status="RUNNING").update(
            status="READY", run_after=timezone.now()
        )
        self._unrecorded = None


def lanes(queue: str) -> list[tuple[list[str], list[str]]]:
    """(queues, excluded queues) of each task loop: one per lane of ``queues.LANES`` for
    every queue ("*"), else one loop over the queues named."""
    if queue.strip() != "*":
        return [([name.strip() for name in queue.split(",") if name.strip()], [])]
    taken = [name for lane in queues.LANES for name in lane]
    return [(lane, []) if lane else (["*"], taken) for lane in queues.LANES]


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
        parser.add_argument(
            "--queue",
            default="*",
            help=(
                "Comma-separated queues to take (default: all, each kind of work in a loop of "
                f"its own). Queues: {', '.join(queues.ALL)}."
            ),
        )

    def handle(self, *args: Any, interval: float, batch: bool, queue: str, **options: Any) -> None:
        level = logging.INFO if options["verbosity"] else logging.CRITICAL
        for name in ("django_tasks", "django_tasks_db"):
            tasks_logger = logging.getLogger(name)
            tasks_logger.setLevel(level)
            if not tasks_logger.hasHandlers():
                tasks_logger.addHandler(logging.StreamHandler(self.stdout))
        unknown = {q for names, _ex in lanes(queue) for q in names if q != "*"} - set(queues.ALL)
        if unknown:
            raise CommandError(
                _("unknown queue(s): %(names)s (queues: %(all)s)")
                % {"names": ", ".join(sorted(unknown)), "all": ", ".join(queues.ALL)}
            )
        worker_id = get_random_string(32)

        def loop(names: list[str], excluded: list[str]) -> PatientWorker:
            return PatientWorker(
                queue_names=names,
                interval=interval,
                batch=batch,
                backend_name=DEFAULT_TASK_BACKEND_ALIAS,
                startup_delay=not batch,
                max_tasks=None,
                worker_id=worker_id,
                excluded_queue_names=excluded,
            )

        if batch:
            run_due()
            for names, excluded in lanes(queue):
                loop(names, excluded).run()
            return
        # The lease first: tasks claimed from now on belong to a worker others see alive.
        heartbeat = start_heartbeat(worker_id)
        # Periodic work (scheduled posts, leases, digests) runs beside the task loops; each
        # run is claimed in the database, so many workers never repeat one.
        scheduler = start_thread(interval=min(5.0, max(settings.GLANEUR_WORKER_LEASE / 2, 0.5)))
        workers = [loop(names, excluded) for names, excluded in lanes(queue)]
        try:
            run_lanes(workers)
        finally:
            scheduler.set()
            heartbeat.set()
            try:
                forget(worker_id)
            except DatabaseError:
                logger.warning("worker %s could not remove its lease", worker_id)


def run_lanes(workers: list[PatientWorker]) -> None:
    """Run each task loop in a thread until TERM or INT: the first signal lets every loop
    finish its task and stop, a second one ends the process at once."""
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        if stopping.is_set():
            logger.warning("Received %s again: stopping now.", signal.strsignal(signum))
            os._exit(1)
        logger.warning("Received %s: finishing the running tasks.", signal.strsignal(signum))
        stopping.set()
        for worker in workers:
            worker.running = False

    for name in ("SIGINT", "SIGTERM", "SIGQUIT"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)
    threads = [
        threading.Thread(target=_run_closing, args=(worker,), name=f"glaneur-lane-{n}")
        for n, worker in enumerate(workers)
    ]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        for thread in threads:
            thread.join(0.2)  # short joins: the main thread must stay free for signals


def _run_closing(worker: PatientWorker) -> None:
    try:
        worker.run()
    finally:
        connections.close_all()
