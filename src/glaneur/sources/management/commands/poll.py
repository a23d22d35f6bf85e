"""``glaneur poll [--topic SLUG]``: poll sources now, whatever their interval but never
before a site's Retry-After, with a progress bar; then what each round found."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from glaneur.curation.models import Topic
from glaneur.sources import polling

BAR = 30


class Command(BaseCommand):
    help = "Poll the sources of a topic (or of every topic) now, with a progress bar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--topic", metavar="SLUG", help="only this topic's sources")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def progress_bar(self, done: int, total: int) -> None:
        filled = BAR * done // max(total, 1)
        self.stderr.write(f"\r[{'#' * filled}{'.' * (BAR - filled)}] {done}/{total}", ending="")
        self.stderr.flush()

    def handle(self, *args: Any, **options: Any) -> None:
        topic = None
        if options["topic"]:
            topic = Topic.objects.filter(slug=options["topic"]).first()
            if topic is None:
                raise CommandError(_("no topic “%(slug)s”") % {"slug": options["topic"]})
        outcomes = polling.poll_topic(
            topic, force=True, progress=None if options["quiet"] else self.progress_bar
        )
        if outcomes and not options["quiet"]:
            self.stderr.write("")
        states = Counter(outcome.state for outcome in outcomes)
        self.stdout.write(
            _(
                "%(total)d source(s): %(new)d read, %(not_modified)d unchanged, "
                "%(failed)d failed, %(skipped)d skipped; %(created)d new suggestion(s)."
            )
            % {
                "total": len(outcomes),
                "new": states["new"],
                "not_modified": states["not_modified"],
                "failed": states["failed"],
                "skipped": states["skipped"],
                "created": sum(outcome.created for outcome in outcomes),
            }
        )
        failed = sorted((o for o in outcomes if o.state == "failed"), key=lambda o: o.source_id)
        for outcome in failed:
            self.stderr.write(f"{outcome.source_id}: {outcome.error}")
        if failed:
            raise CommandError(
                _("%(count)d source(s) could not be polled.") % {"count": len(failed)}
            )
