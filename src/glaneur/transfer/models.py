"""Import jobs: an uploaded file waiting for, or processed by, a worker."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from glaneur.curation.models import Topic

from .errors import ImportFailed
from .importers import ImportFormat


class ImportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Done")
        FAILED = "failed", _("Failed")

    class Stage(models.TextChoices):
        CHECKING = "checking", _("Checking the file")
        SAVING = "saving", _("Saving")

    # Empty until the job has made its topic (Glaneur JSON imported with --create).
    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, null=True, blank=True, related_name="import_jobs"
    )
    target_slug = models.SlugField(max_length=100, blank=True)
    create_topic = models.BooleanField(default=False)
    # Started by the site's administrator (the CLI): accounts named in the file are
    # found or created. Uploads from the page are not trusted.
    trusted = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Empty: guessed from the content when the job runs.
    format = models.CharField(_("format"), max_length=10, choices=ImportFormat.choices, blank=True)
    filename = models.CharField(_("file"), max_length=255, blank=True)
    # The uploaded file, kept in the row (so that any worker machine can read it) and
    # emptied once the job has run.
    content = models.BinaryField(default=b"", editable=False)
    size = models.PositiveBigIntegerField(default=0)
    # The language of the person who started the job: errors are written in it.
    language = models.CharField(max_length=8, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=10, choices=Stage.choices, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    error_line = models.PositiveIntegerField(null=True, blank=True)
    error_item = models.PositiveIntegerField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["topic", "-created_at"], name="importjob_topic_created")]

    def __str__(self) -> str:
        return f"{self.filename or self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def error_text(self) -> str:
        """The error with where it is ("line 12: …"), in the active language."""
        where = ImportFailed(self.error, line=self.error_line, item=self.error_item).where()
        return where + self.error if self.error else ""
