"""The feed entry ids published before ids stopped depending on the post's title."""

from __future__ import annotations

from django.db import models

from glaneur.curation.models import Post


class PublishedEntryId(models.Model):
    """The path a post's feed entries were identified by before the entry id became the
    id-only URL (queries.entry_id_path): kept so feed readers see no duplicate entries.

    Filled once, by migration 0001, for the posts published at that time; never written
    afterwards. The path is relative: the id is absolutised with the request's host, as it
    always was.
    """

    post = models.OneToOneField(
        Post, on_delete=models.CASCADE, primary_key=True, related_name="published_entry_id"
    )
    path = models.CharField(max_length=400)

    def __str__(self) -> str:
        return self.path
