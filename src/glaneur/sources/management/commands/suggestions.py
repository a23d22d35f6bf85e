"""``glaneur suggestions TOPIC [--json]``: a topic's inbox, ranked, with each suggestion's
score and the words that made it (the operator's view: no access check)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from glaneur.curation.models import Topic
from glaneur.sources import queries


class Command(BaseCommand):
    help = "The ranked suggestions of a topic (score, matched words, title, address)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("topic", help="the topic's slug")
        parser.add_argument("--limit", type=int, default=30)
        parser.add_argument("--sort", choices=["relevance", "freshness"], default="relevance")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        topic = Topic.objects.filter(slug=options["topic"]).first()
        if topic is None:
            raise CommandError(_("no topic “%(slug)s”") % {"slug": options["topic"]})
        view = queries.inbox(topic, sort=options["sort"], per_page=max(1, options["limit"]))
        if options["json"]:
            rows = [
                {
                    "id": c.pk,
                    "score": round(c.score, 4),
                    "matchedWords": list(c.matched_words),
                    "title": c.title,
                    "url": c.url,
                    "status": c.status,
                    "similar": getattr(c, "also", 0),
                    "sources": [str(s) for s in c.sources.all()],
                    "suggestedBy": bool(c.suggestion_id),
                }
                for c in view.candidates
            ]
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        if not view.candidates:
            self.stdout.write(_("Nothing to review."))
        for c in view.candidates:
            words = ", ".join(c.matched_words)
            self.stdout.write(f"{c.score:7.3f}  {c.title}\n         {c.url}\n         [{words}]")
