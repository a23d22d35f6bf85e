"""``glaneur tags suggest POST_ID [--json]``: the tags suggested for a post, best first."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from glaneur.curation.models import Post
from glaneur.search.tag_suggestions import suggest_tags


class Command(BaseCommand):
    help = "Tags for posts: suggest POST_ID prints the tags suggested for a post."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        suggest = sub.add_parser("suggest", help="the tags suggested for a post, best first")
        suggest.add_argument("post_id", type=int)
        suggest.add_argument("--limit", type=int, default=8)
        suggest.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        post = Post.objects.select_related("topic").filter(pk=options["post_id"]).first()
        if post is None:
            raise CommandError(_("no post %(ids)s") % {"ids": options["post_id"]})
        rows = suggest_tags(post, limit=options["limit"])
        if options["json"]:
            data = [{"name": r.name, "score": r.score, "why": r.why} for r in rows]
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        for row in rows:
            self.stdout.write(f"{row.score:6.2f}  {row.name}  ({row.why})")
