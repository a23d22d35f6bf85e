"""glaneur scoop TOPIC URL: the whole pipeline from the command line, waiting for the result."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from glaneur.curation.models import Post, Topic
from glaneur.curation.pipeline import read as read_post
from glaneur.curation.services import DuplicatePost, scoop_url

PENDING = (Post.State.QUEUED, Post.State.FETCHING)


class Command(BaseCommand):
    help = "Scoop a web address into a topic and wait until the page is read."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("topic", help="the topic's slug")
        parser.add_argument("url")
        parser.add_argument("--insight", default="", help="your insight (Markdown)")
        parser.add_argument("--tag", action="append", default=[], dest="tags")
        parser.add_argument("--user", help="curator's username (default: the topic's owner)")
        parser.add_argument("--draft", action="store_true", help="keep the post as a draft")
        parser.add_argument(
            "--wait",
            type=float,
            default=5.0,
            help="seconds to wait for a worker before reading the page here",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=300.0,
            help="seconds after which to stop waiting (the post stays queued; default 300)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        topic = Topic.objects.filter(slug=options["topic"]).select_related("owner").first()
        if topic is None:
            raise CommandError(_("no topic with the slug %(slug)r") % {"slug": options["topic"]})
        user = topic.owner
        if options["user"]:
            named = get_user_model().objects.filter(username=options["user"]).first()
            if named is None:
                raise CommandError(
                    _("no account named %(username)r") % {"username": options["user"]}
                )
            user = named
        try:
            post = scoop_url(
                topic,
                options["url"],
                by=user,
                insight=options["insight"],
                tags=options["tags"],
                status=Post.Status.DRAFT if options["draft"] else Post.Status.PUBLISHED,
            )
        except DuplicatePost as exc:
            raise CommandError(
                _("already in the topic: post %(id)d") % {"id": exc.existing.pk}
            ) from exc
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stderr.write(f"post {post.pk}: {post.state}")
        post = self._wait(post, options["wait"], options["timeout"])
        if post.state in PENDING:
            raise CommandError(
                _(
                    "post %(id)d is still %(state)s after %(seconds)g s: it is saved, and a "
                    "running `glaneur worker` will finish it"
                )
                % {"id": post.pk, "state": post.get_state_display(), "seconds": options["timeout"]}
            )
        self.stdout.write(f"post {post.pk}: {post.state} — {post.title}")
        if post.state_error:
            self.stdout.write(post.state_error)
        if post.state in (Post.State.FAILED, Post.State.BLOCKED):
            raise CommandError(_("the page could not be read (%(state)s)") % {"state": post.state})

    def _wait(self, post: Post, wait: float, timeout: float) -> Post:
        last = post.state
        deadline = time.monotonic() + wait
        # However the post is held up (a worker killed mid-fetch, retries far off), the
        # command ends: the lease hands the fetch to another worker, not to this command.
        give_up = time.monotonic() + timeout
        while post.state in PENDING and time.monotonic() < give_up:
            if time.monotonic() > deadline and post.fetch_attempts == 0:
                # No worker took it: read the page here (the queued task then finds it done).
                read_post(post.pk)
            time.sleep(0.3)
            post.refresh_from_db()
            if post.state != last:
                self.stderr.write(f"post {post.pk}: {post.state}")
                last = post.state
            if post.state == Post.State.QUEUED and post.fetch_attempts and post.state_error:
                self.stderr.write(post.state_error)
                deadline = give_up
        return post
