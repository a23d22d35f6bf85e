"""``glaneur demo``: a ready-to-try Glaneur with the seed topic, a demo curator, served locally.

Every step is idempotent, so running it again only serves the same data.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from glaneur.curation.models import Membership, Topic
from glaneur.transfer.services import ImportFailed, import_scoopit

from .serve import default_workers, gunicorn_argv

SEED_FILE = Path(settings.PACKAGE_DIR) / "data" / "scoopit-topic-initiatives-locales.txt"
DEMO_USERNAME = "demo"
STOP_TIMEOUT = 30.0


def demo_password(data_dir: Path) -> str:
    """The demo account's password: generated on first run, then read back (file mode 0600)."""
    path = data_dir / "demo-password"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        password = path.read_text(encoding="utf-8").strip()
        if password:
            return password
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
    password = secrets.token_urlsafe(12)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(password + "\n")
    return password


def ensure_demo_curator(topic: Topic, password: str) -> AbstractBaseUser:
    """The ``demo`` account, with this password, owner of ``topic``."""
    user, created = get_user_model().objects.get_or_create(
        username=DEMO_USERNAME,
        defaults={"email": "demo@example.org", "first_name": "Démo"},
    )
    if created or not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    Membership.objects.update_or_create(
        user=user, topic=topic, defaults={"role": Membership.Role.OWNER}
    )
    return user


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM (gunicorn and the worker finish what they are doing), SIGKILL after a delay
    or on a second Ctrl-C."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT
    try:
        for process in processes:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
    except (subprocess.TimeoutExpired, KeyboardInterrupt):
        sys.stderr.write("Killing the web server and the worker.\n")
        for process in processes:
            if process.poll() is None:
                process.kill()
        for process in processes:
            process.wait()


def check_port_free(port: int) -> None:
    with socket.socket() as sock:
        # As gunicorn does: connections of a previous run waiting in TIME_WAIT do not count.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as exc:
            raise CommandError(
                f"127.0.0.1:{port} is not available ({exc.strerror}): "
                f"choose another port, e.g. PORT={port + 1} make demo"
            ) from exc


class Command(BaseCommand):
    help = (
        "Migrate, import the seed topic, create the demo curator, then serve on "
        "127.0.0.1:$PORT with the background worker."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--port",
            type=int,
            default=int(os.environ.get("PORT", "8000")),
            help="Port on 127.0.0.1 (default $PORT or 8000).",
        )
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help="Prepare the data and the account, print the login, but do not serve.",
        )

    def handle(self, *args: Any, port: int, no_serve: bool, **options: Any) -> None:
        if not no_serve:
            check_port_free(port)
        self.stdout.write("Migrating the database…")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Collecting static files…")
        call_command("collectstatic", interactive=False, verbosity=0)

        try:
            report = import_scoopit(SEED_FILE.read_text(encoding="utf-8"), source=str(SEED_FILE))
        except ImportFailed as exc:
            raise CommandError(f"{SEED_FILE}: {exc}") from exc
        topic = report.topic
        self.stdout.write(
            f"Seed topic « {topic.title} »: {report.created_posts} posts imported, "
            f"{report.skipped_posts} already there."
        )

        password = demo_password(Path(settings.DATA_DIR))
        ensure_demo_curator(topic, password)

        base = f"http://127.0.0.1:{port}"
        self.stdout.write(
            self.style.SUCCESS("\nGlaneur demo\n")
            + f"  Topic:    {base}{topic.get_absolute_url()}\n"
            + f"  Log in:   {base}{reverse('account_login')}\n"
            + f"  Username: {DEMO_USERNAME}\n"
            + f"  Password: {password}\n"
        )
        if no_serve:
            return
        self.serve(port)

    def serve(self, port: int) -> None:
        # Children get their own process group: Ctrl-C reaches only this command, which
        # then asks each of them once to stop. SIGTERM is handled as Ctrl-C (and SIGINT is
        # set explicitly: a shell starting us in the background would have ignored it).
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.default_int_handler)
        os.environ["DJANGO_SETTINGS_MODULE"] = settings.SETTINGS_MODULE
        worker = subprocess.Popen([sys.executable, "-m", "glaneur.cli", "worker"], process_group=0)
        web = subprocess.Popen(  # noqa: S603 - fixed argv
            gunicorn_argv(bind=f"127.0.0.1:{port}", workers=default_workers()), process_group=0
        )
        self.stdout.write("Serving; press Ctrl-C to stop.")
        failed = ""
        try:
            while not failed:
                if web.poll() is not None:
                    failed = f"the web server stopped (exit code {web.returncode})"
                elif worker.poll() is not None:
                    failed = f"the worker stopped (exit code {worker.returncode})"
                else:
                    time.sleep(0.5)
        except KeyboardInterrupt:
            self.stdout.write("\nStopping…")
        finally:
            stop([web, worker])
        if failed:
            raise CommandError(failed)
        self.stdout.write("Stopped.")
