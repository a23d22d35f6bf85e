"""``glaneur serve``: the web server, gunicorn with several worker processes."""

from __future__ import annotations

import os
import shutil
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


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


def static_files_problem() -> str | None:
    """Why every page would fail for want of collected static files, or None.

    The hashed-name storage of production (whitenoise's CompressedManifestStaticFilesStorage)
    answers each ``{% static %}`` from the manifest that ``collectstatic`` writes: without it,
    or with a file it does not list (an upgrade not followed by ``collectstatic``), pages are
    a 500.
    """
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return None
    storage: Any = staticfiles_storage  # load_manifest gives (paths, hash); the stubs disagree
    if not storage.manifest_strict:
        return None
    try:
        collected: dict[str, str] = storage.load_manifest()[0]
    except ValueError:  # a manifest that cannot be read is no better than none
        collected = {}
    if not collected:
        return _("The static files are not collected in %(root)s.") % {"root": settings.STATIC_ROOT}
    ignore = apps.get_app_config("staticfiles").ignore_patterns
    missing = sorted(
        {
            path.replace(os.sep, "/")
            for finder in finders.get_finders()
            for path, _storage in finder.list(ignore)
        }
        - set(collected)
    )
    if missing:
        return ngettext(
            "The static files collected in %(root)s are out of date: %(count)d file is "
            "missing (%(first)s).",
            "The static files collected in %(root)s are out of date: %(count)d files are "
            "missing (%(first)s…).",
            len(missing),
        ) % {"root": settings.STATIC_ROOT, "count": len(missing), "first": missing[0]}
    return None


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
        if problem := static_files_problem():
            raise CommandError(
                problem
                + " "
                + _("Every page would fail: run `glaneur collectstatic --noinput` first.")
            )
        argv = gunicorn_argv(bind=bind or default_bind(), workers=workers)
        # gunicorn's workers must load the settings this command was started with.
        os.environ["DJANGO_SETTINGS_MODULE"] = settings.SETTINGS_MODULE
        sys.stdout.flush()
        sys.stderr.flush()
        os.execvp(argv[0], argv)  # noqa: S606 - replaces this process, fixed argv
