"""``glaneur places (POST_ID… | --topic SLUG | --all) [--force] [--json]``: find the places of
posts now (the ``places`` step, as the worker runs it) and print them."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from glaneur.curation.models import Post
from glaneur.territories import services
from glaneur.territories.models import PostPlace


class Command(BaseCommand):
    help = "Find the communes, departments and regions posts name, and print them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("post_ids", nargs="*", type=int)
        parser.add_argument("--topic", default="", help="every post of this topic (slug)")
        parser.add_argument("--all", action="store_true", help="every post")
        parser.add_argument("--force", action="store_true", help="even if the text is unchanged")
        parser.add_argument("--json", action="store_true", help="print JSON lines")

    def handle(self, *args: Any, post_ids: list[int], **options: Any) -> None:
        posts = Post.objects.all()
        if options["topic"]:
            posts = posts.filter(topic__slug=options["topic"])
        elif not options["all"]:
            if not post_ids:
                raise CommandError(_("Give post ids, --topic SLUG or --all."))
            posts = posts.filter(pk__in=post_ids)
        ids = list(posts.order_by("pk").values_list("pk", flat=True))
        missing = sorted(set(post_ids) - set(ids))
        if missing:
            raise CommandError(_("no post %(ids)s") % {"ids": ", ".join(map(str, missing))})
        report = services.locate_posts(ids, force=options["force"])
        shown = services.places_by_post(ids)
        for pk in ids:
            rows: list[PostPlace] = shown.get(pk, [])
            if options["json"]:
                line = {
                    "post": pk,
                    "places": [
                        {"kind": p.kind, "code": p.code, "name": p.name, "weight": p.weight}
                        for p in rows
                    ],
                    "error": report.failed.get(pk, ""),
                }
                self.stdout.write(json.dumps(line, ensure_ascii=False))
            else:
                names = ", ".join(f"{p.name} ({p.code})" for p in rows) or "—"
                self.stdout.write(f"{pk}: {names}")
        if report.failed:
            raise CommandError(
                _("%(count)d post(s) could not be located") % {"count": len(report.failed)}
            )
