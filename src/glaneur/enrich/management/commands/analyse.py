"""``glaneur analyse (POST_ID | --topic SLUG | --all) [--json]``: find the actors and quotes
of posts again, now, with a progress line."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from glaneur.curation.models import Post, Topic
from glaneur.enrich import queries, services


class Command(BaseCommand):
    help = "Find the actors and quotes of posts again (one post, a topic's, or all)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("post_id", nargs="?", type=int, metavar="POST_ID")
        parser.add_argument("--topic", metavar="SLUG", help="every post of this topic")
        parser.add_argument("--all", action="store_true", help="every post")
        parser.add_argument("--json", action="store_true", help="print the results as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        chosen = [options["post_id"] is not None, bool(options["topic"]), options["all"]]
        if sum(chosen) != 1:
            raise CommandError(_("Give one of POST_ID, --topic SLUG or --all."))
        posts = Post.objects.order_by("pk")
        if options["post_id"] is not None:
            posts = posts.filter(pk=options["post_id"])
            if not posts.exists():
                raise CommandError(_("no post %(ids)s") % {"ids": options["post_id"]})
        elif options["topic"]:
            topic = Topic.objects.filter(slug=options["topic"]).first()
            if topic is None:
                raise CommandError(_("No topic %(slug)s.") % {"slug": options["topic"]})
            posts = posts.filter(topic=topic)
        ids = list(posts.values_list("pk", flat=True))
        done = 0

        def progress(post_id: int) -> None:
            nonlocal done
            done += 1
            if not options["json"] or sys.stderr.isatty():
                self.stderr.write(f"\r{done}/{len(ids)}", ending="")

        report = services.analyse_posts(ids, force=True, progress=progress)
        self.stderr.write("")
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "posts": [queries.post_summary(pk) for pk in report.analysed],
                        "failed": {str(pk): reason for pk, reason in report.failed.items()},
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
        else:
            self.stdout.write(
                _("%(count)d post(s) analysed, %(failed)d failed.")
                % {"count": len(report.analysed), "failed": len(report.failed)}
            )
        if report.failed:
            for pk, reason in report.failed.items():
                self.stderr.write(f"{pk}: {reason}")
            raise CommandError(
                _("%(failed)d post(s) could not be analysed.") % {"failed": len(report.failed)}
            )
