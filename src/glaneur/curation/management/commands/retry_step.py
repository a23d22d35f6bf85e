"""``glaneur retry-step STEP POST_ID…``: run one step of the pipeline again for some posts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from glaneur.curation import pipeline
from glaneur.curation.models import Post


class Command(BaseCommand):
    help = "Run one step of the post pipeline again (read, index…) for the posts given."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("step", help="read (fetch the page again), index…")
        parser.add_argument("post_ids", nargs="+", type=int, metavar="POST_ID")

    def handle(self, *args: Any, step: str, post_ids: list[int], **options: Any) -> None:
        if step not in pipeline.step_names():
            raise CommandError(
                _("unknown step %(step)s (steps: %(steps)s)")
                % {"step": step, "steps": ", ".join(pipeline.step_names())}
            )
        posts = {post.pk: post for post in Post.objects.filter(pk__in=post_ids)}
        missing = [str(pk) for pk in post_ids if pk not in posts]
        if missing:
            raise CommandError(_("no post %(ids)s") % {"ids": ", ".join(missing)})
        for post in posts.values():
            pipeline.retry_step(post, step, by=None)
        self.stdout.write(
            _("%(step)s queued again for %(count)d post(s).") % {"step": step, "count": len(posts)}
        )
