"""``glaneur sources add|list|remove|import|export TOPIC …``: a topic's sources from the
command line (the operator acts as the topic's owner)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from glaneur.curation.models import Topic
from glaneur.sources import services
from glaneur.sources.models import Source

KINDS = ("feed", "page", "keyword")


class Command(BaseCommand):
    help = "Add, list, remove, import (OPML) and export (OPML) the sources of a topic."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        add = actions.add_parser("add", help="watch a feed, a web page or a keyword")
        add.add_argument("topic", help="the topic's slug")
        add.add_argument("address", help="a feed or page address, or a keyword")
        add.add_argument("--kind", choices=KINDS, help="default: guessed")
        add.add_argument("--title", default="")
        listing = actions.add_parser("list", help="the sources and their state")
        listing.add_argument("topic", help="the topic's slug")
        listing.add_argument("--json", action="store_true")
        remove = actions.add_parser("remove", help="stop watching a source")
        remove.add_argument("topic", help="the topic's slug")
        remove.add_argument("source_id", type=int)
        imports = actions.add_parser("import", help="add the sources of an OPML file")
        imports.add_argument("topic", help="the topic's slug")
        imports.add_argument("file", help="an OPML file")
        export = actions.add_parser("export", help="write the sources as OPML")
        export.add_argument("topic", help="the topic's slug")
        export.add_argument("file", help="the OPML file to write (- for the output)")

    def handle(self, *args: Any, **options: Any) -> None:
        topic = Topic.objects.select_related("owner").filter(slug=options["topic"]).first()
        if topic is None:
            raise CommandError(_("no topic “%(slug)s”") % {"slug": options["topic"]})
        action = options["action"]
        try:
            if action == "add":
                self._add(topic, options)
            elif action == "list":
                self._list(topic, json_output=options["json"])
            elif action == "remove":
                self._remove(topic, options["source_id"])
            elif action == "import":
                self._import(topic, Path(options["file"]))
            else:
                self._export(topic, options["file"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

    def _add(self, topic: Topic, options: dict[str, Any]) -> None:
        source = services.add_source(
            topic, topic.owner, options["address"], kind=options["kind"], title=options["title"]
        )
        self.stdout.write(
            _("Added %(kind)s source %(id)d: %(source)s")
            % {"kind": source.kind, "id": source.pk, "source": source}
        )

    def _list(self, topic: Topic, *, json_output: bool) -> None:
        rows = Source.objects.filter(topic=topic).order_by("pk")
        if json_output:
            self.stdout.write(
                json.dumps(
                    [
                        {
                            "id": s.pk,
                            "kind": s.kind,
                            "url": s.url,
                            "keyword": s.query,
                            "title": s.title,
                            "feedUrl": s.feed_url,
                            "lastPoll": s.last_polled_at.isoformat() if s.last_polled_at else None,
                            "nextPoll": s.next_poll_at.isoformat(),
                            "itemsFound": s.items_found,
                            "errorCount": s.error_count,
                            "lastError": s.last_error,
                        }
                        for s in rows
                    ],
                    ensure_ascii=False,
                )
            )
            return
        if not rows:
            self.stdout.write(_("No source."))
        for s in rows:
            where = s.query if s.kind == Source.Kind.KEYWORD else s.url
            last = s.last_polled_at.strftime("%Y-%m-%d %H:%M") if s.last_polled_at else "—"
            state = (
                _("ERROR ×%(count)d: %(error)s") % {"count": s.error_count, "error": s.last_error}
                if s.in_error
                else _("%(count)d items") % {"count": s.items_found}
            )
            self.stdout.write(f"{s.pk:6d}  {s.kind:7s}  {where}\n        {last}  {state}")

    def _remove(self, topic: Topic, source_id: int) -> None:
        source = Source.objects.filter(topic=topic, pk=source_id).first()
        if source is None:
            raise CommandError(_("no source %(id)d in this topic") % {"id": source_id})
        source.topic = topic
        services.remove_source(source, topic.owner)
        self.stdout.write(_("Removed: %(source)s") % {"source": source})

    def _import(self, topic: Topic, path: Path) -> None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc
        try:
            report = services.import_opml(topic, topic.owner, data)
        except services.ImportFailed as exc:
            raise CommandError(
                _("%(file)s: nothing was imported. %(error)s")
                % {"file": path, "error": exc.messages[0]}
            ) from exc
        self.stdout.write(
            _("%(added)d source(s) added, %(skipped)d already watched.")
            % {"added": len(report.added), "skipped": len(report.skipped)}
        )

    def _export(self, topic: Topic, target: str) -> None:
        data = services.export_opml(topic)
        if target == "-":
            self.stdout.write(data.decode(), ending="")
            return
        try:
            Path(target).write_bytes(data)
        except OSError as exc:
            raise CommandError(f"{target}: {exc.strerror}") from exc
        count = Source.objects.filter(topic=topic).count()
        self.stdout.write(
            _("%(count)d source(s) written to %(file)s") % {"count": count, "file": target}
        )
