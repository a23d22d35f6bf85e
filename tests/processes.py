"""Real `glaneur` processes against the test database (workers, servers, imports).

Tests that need several processes (a worker killed with SIGKILL, two gunicorn workers, an
import beside a reader) start them with ``glaneur_process``: the child uses the test
settings and the database the test run created (SQLite file or PostgreSQL test database).
Use them from ``django_db(transaction=True)`` tests, so that the child sees committed rows.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import connection

GLANEUR = str(Path(sys.executable).parent / "glaneur")


def database_url() -> str:
    """The test database as a DATABASE_URL, for a child process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = quote(str(db["USER"]), safe="")
    password = quote(str(db["PASSWORD"]), safe="")
    return f"postgres://{user}:{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def child_env(**extra: str) -> dict[str, str]:
    """Environment of a child process: test settings, this database, this secret key."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="glaneur.settings.test",
        DATABASE_URL=database_url(),
        SECRET_KEY=str(settings.SECRET_KEY),
        GLANEUR_FETCH_ALLOW=",".join(settings.GLANEUR_FETCH_ALLOW),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def glaneur_process(
    *args: str, env: dict[str, str] | None = None, **popen: object
) -> subprocess.Popen[bytes]:
    """Start ``glaneur ARGS`` in the background; the caller waits for it or kills it."""
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [GLANEUR, *args],
        env=env or child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **popen,
    )


def run_glaneur(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``glaneur ARGS`` to its end; returns its exit code and output."""
    return subprocess.run(
        [GLANEUR, *args],
        env=env or child_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def task_loop(worker_id: str, *, batch: bool = True, interval: float = 0) -> Any:
    """The task loop of `glaneur worker` (every queue), to run in this process or a thread;
    ``batch``: it ends when no task is ready."""
    from glaneur.runtime.management.commands.worker import PatientWorker

    return PatientWorker(
        queue_names=["*"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
