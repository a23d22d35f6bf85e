"""glaneur refetch POST_ID: read a post's source again (what the curator wrote stays)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from glaneur.curation.models import Post
from glaneur.curation.pipeline import read as read_post
from glaneur.curation.services import refetch


class Command(BaseCommand):
    help = "Fetch a post's source page again and print the post's new state."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("post_id", type=int)

    def handle(self, *args: Any, post_id: int, **options: Any) -> None:
        post = Post.objects.filter(pk=post_id).first()
        if post is None:
            raise CommandError(_("no post %(id)s") % {"id": post_id})
        try:
            refetch(post, by=None)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        result = read_post(post.pk) or post
        self.stdout.write(f"post {result.pk}: {result.state} — {result.title}")
        if result.state_error:
            self.stdout.write(result.state_error)
        if result.state in (Post.State.FAILED, Post.State.BLOCKED):
            raise CommandError(
                _("the page could not be read (%(state)s)") % {"state": result.state}
            )
