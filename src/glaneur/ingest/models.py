"""Pages sent by the bookmarklet, kept until the curator confirms the scoop."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class PageCapture(models.Model):
    # The bookmarklet posts cross-site, without the curator's session (SameSite=Lax):
    # the copy is stored under an unguessable token and claimed by the scoop form.
    token = models.CharField(max_length=64, unique=True)
    url = models.URLField(max_length=2000)
    title = models.CharField(max_length=500, blank=True)
    selection = models.TextField(blank=True)
    html = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    post = models.OneToOneField(
        "curation.Post", on_delete=models.CASCADE, null=True, blank=True, related_name="capture"
    )

    def __str__(self) -> str:
        return self.url
