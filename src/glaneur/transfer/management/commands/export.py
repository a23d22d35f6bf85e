"""glaneur export TOPIC [--format json|csv|netscape|opml] [-o FILE] [--base-url URL]."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from glaneur.curation.models import Topic
from glaneur.transfer.exporters import ExportFormat, export_topic


class Command(BaseCommand):
    help = "Export a topic: Glaneur JSON (everything), CSV, Netscape bookmarks or OPML."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("topic", help="the topic's slug")
        parser.add_argument(
            "--format", choices=[f.value for f in ExportFormat], default=ExportFormat.JSON
        )
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")
        parser.add_argument(
            "--base-url",
            default=os.environ.get("GLANEUR_BASE_URL", getattr(settings, "GLANEUR_BASE_URL", "")),
            help="the site's address, for absolute links (default: $GLANEUR_BASE_URL)",
        )
        parser.add_argument(
            "--public",
            action="store_true",
            help="only what readers see: published posts, visible comments",
        )

    def handle(self, *args: Any, topic: str, output: str | None, **options: Any) -> None:
        found = Topic.objects.filter(slug=topic).first()
        if found is None:
            raise CommandError(_("no topic with the slug %(slug)r") % {"slug": topic})
        base_url = options["base_url"] or "http://localhost:8000"
        export = export_topic(
            found, options["format"], base_url=base_url, full=not options["public"]
        )
        if output:
            Path(output).write_bytes(export.content)
            self.stderr.write(
                _("%(path)s: %(size)d bytes") % {"path": output, "size": len(export.content)}
            )
        else:
            self.stdout.write(export.content.decode("utf-8"), ending="")
