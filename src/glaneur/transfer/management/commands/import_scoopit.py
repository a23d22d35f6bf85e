"""glaneur import-scoopit FILE: a Scoop.it topic page (text capture or HTML) into a topic."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from glaneur.transfer.services import ImportFailed, import_scoopit, read_import_file


class Command(BaseCommand):
    help = "Import a Scoop.it topic page (text capture or saved HTML) into a topic."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path to the capture or the saved HTML page")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        path = Path(file)
        try:
            content = read_import_file(path)
        except ImportFailed as exc:
            raise CommandError(str(exc)) from exc
        try:
            report = import_scoopit(content, source=str(path))
        except ImportFailed as exc:
            raise CommandError(
                _("%(path)s: %(error)s — nothing was imported") % {"path": path, "error": exc}
            ) from exc
        self.stdout.write(
            _(
                "%(title)s (%(url)s): %(created)d posts imported, %(skipped)d already there, "
                "%(comments)d comments"
            )
            % {
                "title": report.topic.title,
                "url": report.topic.get_absolute_url(),
                "created": report.created_posts,
                "skipped": report.skipped_posts,
                "comments": report.created_comments,
            }
        )
        for message in report.messages:
            self.stdout.write(f"  {message}")
