"""``glaneur worker``: runs background tasks from every queue of the database back end."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from glaneur.curation.scheduler import run_due, start_thread


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
        if batch:
            run_due()
        else:
            # Periodic work (scheduled posts, later polls and digests) runs beside the task
            # loop; each run is claimed in the database, so many workers never repeat one.
            stop = start_thread()
        try:
            call_command(
                "db_worker",
                queue_name="*",
                interval=interval,
                batch=batch,
                reload=False,
                verbosity=options["verbosity"],
            )
        finally:
            if not batch:
                stop.set()
