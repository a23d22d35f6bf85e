"""glaneur bounce: stop newsletter addresses that bounce for good.

glaneur bounce reader@example.net --reason "550 5.1.1 no such user"
glaneur bounce --dsn < report.eml      (what an MTA pipes: a delivery status notification)
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from glaneur.audience.bounces import NotADeliveryReport, record_dsn
from glaneur.audience.newsletter_subscriptions import record_bounce


class Command(BaseCommand):
    help = "Record bounced addresses, given by hand or as a delivery status notification."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("emails", nargs="*", help="addresses that bounced")
        parser.add_argument("--reason", default="bounced (reported by hand)")
        parser.add_argument(
            "--dsn",
            nargs="?",
            const="-",
            metavar="FILE",
            help="read a delivery status notification (RFC 3464) from FILE or standard input",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dsn"]:
            source = options["dsn"]
            if source == "-":
                data = sys.stdin.buffer.read()
            else:
                with open(source, "rb") as handle:
                    data = handle.read()
            try:
                results = record_dsn(data)
            except NotADeliveryReport as error:
                raise CommandError(f"not a delivery status notification: {error}") from error
            for bounce, stopped in results:
                self.stdout.write(f"{bounce.email}: {bounce.status} {bounce.reason} ({stopped})")
            if not results:
                self.stdout.write("no permanent failure in this report")
            return
        if not options["emails"]:
            raise CommandError("give addresses, or --dsn to read a delivery report")
        for address in options["emails"]:
            stopped = record_bounce(address, reason=options["reason"])
            self.stdout.write(f"{address}: {stopped} subscription(s) stopped")
