"""``glaneur worker``: runs background tasks from every queue of the database back end."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


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
        # TODO(issue 3/4): plug the scheduler in here: run
        # glaneur.curation.scheduler.run_due() every few seconds in a daemon thread beside
        # the task loop below (it enqueues scheduled posts, feed polls and digests, and takes
        # a database lock so that one scheduler acts however many workers run).
        call_command(
            "db_worker",
            queue_name="*",
            interval=interval,
            batch=batch,
            reload=False,
            verbosity=options["verbosity"],
        )
