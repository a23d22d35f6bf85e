"""glaneur import-scoopit FILE: a Scoop.it topic page (text capture or HTML) into a topic."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from glaneur.transfer.services import ImportFailed, import_scoopit


class Command(BaseCommand):
    help = "Import a Scoop.it topic page (text capture or saved HTML) into a topic."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path to the capture or the saved HTML page")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        path = Path(file)
        try:
            content = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        try:
            report = import_scoopit(content, source=str(path))
        except ImportFailed as exc:
            raise CommandError(f"{path}: {exc} — nothing was imported") from exc
        self.stdout.write(
            f"{report.topic.title} ({report.topic.get_absolute_url()}): "
            f"{report.created_posts} posts imported, {report.skipped_posts} already there, "
            f"{report.created_comments} comments"
        )
