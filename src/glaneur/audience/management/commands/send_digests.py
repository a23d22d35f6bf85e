"""glaneur send-digests: send the digests that are due now (the worker does it on its own
schedule; this is for a cron job, a catch-up after downtime, or a check)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from glaneur.audience.digests import digests_due, send_due_digests


class Command(BaseCommand):
    help = "Send the digests that are due now and print what was done."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="only say whether any digest is due"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            self.stdout.write("due" if digests_due() else "nothing due")
            return
        report = send_due_digests()
        self.stdout.write(
            f"sent {report.sent}, failed {report.failed}, to retry {report.retried}, "
            f"resumed {report.resumed}, empty {report.empty}"
        )
