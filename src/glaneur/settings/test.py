"""Tests: SQLite in a temporary folder unless DATABASE_URL points at PostgreSQL."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

if DATABASES["default"]["ENGINE"] == "glaneur.db.sqlite":  # noqa: F405
    # A file, not ":memory:": live-server and concurrency tests need real WAL semantics.
    # One file per run, so that two test runs on one machine never share it.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"glaneur-test-{os.getpid()}.sqlite3")
    }

# No forked indexing processes inside the test run (its threads: live servers, SMTP);
# the one test of that path asks for them.
GLANEUR_INDEX_WORKERS = 1

# Posts are indexed at once after their transaction, in the test's own process, so that a
# test can search what it just saved; the worker's path (the default elsewhere) is tested
# by the tests that ask for it, and child processes get it from their environment.
GLANEUR_INDEX_IN_WORKER = env_bool("GLANEUR_INDEX_IN_WORKER", False)  # noqa: F405
# The enrich step (spaCy) only where a test asks for it (tests/enrich, the e2e journey):
# elsewhere, and in child processes, posts are not analysed, so no other test pays for the
# model nor finds its tasks in the queue.
GLANEUR_ENRICH_POSTS = env_bool("GLANEUR_ENRICH_POSTS", False)  # noqa: F405
GLANEUR_ENRICH_IN_WORKER = env_bool("GLANEUR_ENRICH_IN_WORKER", True)  # noqa: F405
# The places step only where a test asks for it (tests/territories): in the worker, else.
GLANEUR_LOCATE_IN_WORKER = env_bool("GLANEUR_LOCATE_IN_WORKER", True)  # noqa: F405
