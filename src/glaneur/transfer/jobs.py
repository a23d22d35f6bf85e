"""Import jobs: start one from an upload, run it (in a worker, or inline from the CLI)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import nullcontext
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from glaneur.curation.models import Topic
from glaneur.curation.services import check_can_manage

from .errors import ImportFailed
from .importers import ImportFormat
from .models import ImportJob
from .services import check_size, import_file

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

logger = logging.getLogger(__name__)

# Progress is written at most this often (seconds): each write is one UPDATE.
PROGRESS_INTERVAL = 0.5


def start_import(
    topic: Topic,
    content: bytes,
    *,
    by: User | AnonymousUser,
    filename: str = "",
    fmt: str = "",
) -> ImportJob:
    """Queue an import into the topic (its owner or an editor only); a worker runs it."""
    check_can_manage(by, topic)
    check_size(len(content))
    if fmt and fmt not in ImportFormat.values:
        raise ImportFailed(_("unknown format %(format)r") % {"format": fmt})
    job = ImportJob.objects.create(
        topic=topic,
        created_by=by if by.is_authenticated else None,
        format=fmt,
        filename=filename[:255],
        content=content,
        size=len(content),
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    from .tasks import run_import

    transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return job


ProgressHook = Callable[[ImportJob], None]


def run_import_job(job_id: int, *, on_progress: ProgressHook | None = None) -> ImportJob:
    """Run a queued job once: parse, check, write; the outcome is recorded on the job."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    job = ImportJob.objects.select_related("topic", "created_by").get(pk=job_id)
    if not claimed:
        return job  # already run (a task delivered twice) or running elsewhere
    last_write = 0.0

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal last_write
        job.stage, job.done, job.total = stage, done, total
        now = time.monotonic()
        due = now - last_write >= PROGRESS_INTERVAL
        if stage != ImportJob.Stage.CHECKING or done == total or due:
            last_write = now
            ImportJob.objects.filter(pk=job.pk).update(stage=stage, done=done, total=total)
        if on_progress is not None:
            on_progress(job)

    # A job started from a page speaks its language; from the CLI, the command's (English).
    language = translation.override(job.language) if job.language else nullcontext()
    with language:
        try:
            report = import_file(
                bytes(job.content),
                topic=job.topic,
                by=job.created_by,
                fmt=job.format,
                create_slug=job.target_slug if job.create_topic else "",
                progress=progress,
                trusted=job.trusted,
            )
        except ImportFailed as exc:
            job.status = ImportJob.Status.FAILED
            job.error, job.error_line, job.error_item = exc.reason, exc.line, exc.item
        except Exception:
            logger.exception("import job %s failed", job.pk)
            job.status = ImportJob.Status.FAILED
            job.error = _("An unexpected error stopped the import; nothing was saved.")
        else:
            job.status = ImportJob.Status.SUCCEEDED
            job.topic = report.topic
            job.report = report.as_dict()
            job.done = job.total
    job.content = b""
    job.finished_at = timezone.now()
    job.save()
    return job
