"""glaneur import FILE --topic SLUG [--format …] [--create] [--as USERNAME].

Runs the import job here (no worker needed) and prints its progress.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from glaneur.curation.models import Topic
from glaneur.transfer.errors import ImportFailed
from glaneur.transfer.importers import ImportFormat, guess_format
from glaneur.transfer.jobs import run_import_job
from glaneur.transfer.models import ImportJob
from glaneur.transfer.services import read_import_file


class Command(BaseCommand):
    help = (
        "Import a file into a topic: Glaneur JSON, Netscape bookmarks, RSS/Atom, CSV or "
        "Scoop.it API JSON (guessed from the content unless --format is given)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the file to import")
        parser.add_argument("--topic", default="", help="slug of the topic to import into")
        parser.add_argument("--format", choices=ImportFormat.values, default="")
        parser.add_argument(
            "--create",
            action="store_true",
            help="create the topic from a Glaneur JSON file if it does not exist",
        )
        parser.add_argument(
            "--as",
            dest="username",
            default="",
            help="account credited with posts the file gives no curator (default: the owner)",
        )

    def handle(self, *args: Any, file: str, topic: str, **options: Any) -> None:
        path = Path(file)
        try:
            content = read_import_file(path)
        except ImportFailed as exc:
            raise CommandError(str(exc)) from exc
        fmt = options["format"]
        target = Topic.objects.filter(slug=topic).first() if topic else None
        if target is None:
            if not options["create"]:
                if topic:
                    raise CommandError(
                        _(
                            "no topic with the slug %(slug)r "
                            "(--create makes it from a Glaneur JSON file)"
                        )
                        % {"slug": topic}
                    )
                raise CommandError(
                    _("--topic SLUG is required (or --create with a Glaneur JSON file)")
                )
            try:
                fmt = fmt or guess_format(content)
            except ImportFailed as exc:
                raise CommandError(f"{path}: {exc}") from exc
            if fmt != ImportFormat.JSON:
                raise CommandError(_("--create needs a Glaneur JSON file, which carries the topic"))
        by = None
        if options["username"]:
            by = get_user_model().objects.filter(username=options["username"]).first()
            if by is None:
                raise CommandError(
                    _("no account named %(username)r") % {"username": options["username"]}
                )
        job = ImportJob.objects.create(
            topic=target,
            target_slug=topic,
            create_topic=target is None,
            trusted=True,
            created_by=by,
            format=fmt,
            filename=path.name[:255],
            content=content,
            size=len(content),
        )
        shown_stage, shown_percent = "", -10

        def progress(job: ImportJob) -> None:
            nonlocal shown_stage, shown_percent
            # One line per stage and per tenth of the file: readable in a log, too.
            if job.stage != shown_stage or job.percent >= shown_percent + 10:
                shown_stage, shown_percent = job.stage, job.percent
                self.stdout.write(f"{job.get_stage_display()}: {job.done}/{job.total}")

        job = run_import_job(job.pk, on_progress=progress)
        if job.status == ImportJob.Status.FAILED:
            raise CommandError(
                _("%(path)s: %(error)s — nothing was imported")
                % {"path": path, "error": job.error_text}
            )
        report = job.report
        line = _(
            "%(topic)s: %(created)d posts imported, %(skipped)d already there, "
            "%(comments)d comments"
        ) % {
            "topic": report["topic"],
            "created": report["created_posts"],
            "skipped": report["skipped_posts"],
            "comments": report["created_comments"],
        }
        if report["created_topic"]:
            line += " " + _("(topic created)")
        self.stdout.write(line)
        for message in report.get("messages", []):
            self.stdout.write(f"  {message}")
