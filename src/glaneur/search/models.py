"""The full-text index: one row per post, holding our own normalised tokens."""

from __future__ import annotations

from django.db import models


class SearchEntry(models.Model):
    """A post's row in the index.

    The table itself is made by vendor-specific SQL in the migration (an FTS5 virtual table
    on SQLite, a table with a ``tsvector`` and a GIN index on PostgreSQL): this model only
    names it, so that Django knows the table (test flushes empty it) and can delete rows.
    The post's id is the FTS5 ``rowid``; the column keeps that name on PostgreSQL too.
    No foreign key: the index may briefly hold a deleted post, and searches join the posts.
    """

    post_id = models.BigIntegerField(primary_key=True, db_column="rowid")

    class Meta:
        db_table = "search_entry"

    def __str__(self) -> str:
        return f"search entry {self.post_id}"
