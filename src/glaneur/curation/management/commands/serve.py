"""``glaneur serve``: the web server, gunicorn with several worker processes."""

from __future__ import annotations

import os
import shutil
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def default_bind() -> str:
    return f"127.0.0.1:{os.environ.get('PORT', '8000')}"


def default_workers() -> int:
    return int(os.environ.get("WEB_CONCURRENCY", "2"))


def gunicorn_executable() -> str:
    # The gunicorn of this environment, so it imports this Glaneur and these packages.
    beside = Path(sys.executable).parent / "gunicorn"
    if beside.exists():
        return str(beside)
    found = shutil.which("gunicorn")
    if found is None:
        raise CommandError("gunicorn is not installed in this environment.")
    return found


def gunicorn_argv(*, bind: str, workers: int) -> list[str]:
    """The command line that serves Glaneur; GUNICORN_CMD_ARGS can add any other option."""
    return [
        gunicorn_executable(),
        "glaneur.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        # gunicorn 25+ opens a control socket under ~/.gunicorn by default: two servers on
        # one machine (or a user without a home) would clash over it, and nothing uses it.
        "--no-control-socket",
    ]


class Command(BaseCommand):
    help = "Serve Glaneur with gunicorn (default 127.0.0.1:$PORT, $WEB_CONCURRENCY workers)."
    # gunicorn loads Django itself: checks here would only run twice.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--bind",
            default=None,
            help="ADDRESS:PORT to listen on (default 127.0.0.1:$PORT, PORT defaulting to 8000).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Number of web worker processes (default $WEB_CONCURRENCY or 2).",
        )

    def handle(self, *args: Any, bind: str | None, workers: int | None, **options: Any) -> None:
        workers = workers if workers is not None else default_workers()
        if workers < 1:
            raise CommandError("--workers must be at least 1.")
        argv = gunicorn_argv(bind=bind or default_bind(), workers=workers)
        # gunicorn's workers must load the settings this command was started with.
        os.environ["DJANGO_SETTINGS_MODULE"] = settings.SETTINGS_MODULE
        sys.stdout.flush()
        sys.stderr.flush()
        os.execvp(argv[0], argv)  # noqa: S606 - replaces this process, fixed argv
