"""The full-text index's registry of shards (see backends/shards.py)."""

from __future__ import annotations

from django.db import models


class SearchShard(models.Model):
    """A shard of the index: its table (``search_index_<number>``, an FTS5 virtual table on
    SQLite, a table with a ``tsvector`` and a GIN index on PostgreSQL) holds the posts whose
    ids are ``start`` to ``stop`` − 1 (``backends/shards.py``).

    The tables are made by the back end when a post first falls in them; this model only
    lists them, so that a test flush (which empties it) leaves no shard in use: a table not
    listed here is dropped and made again before it is written.
    """

    number = models.PositiveIntegerField(primary_key=True)
    start = models.BigIntegerField()
    stop = models.BigIntegerField()

    class Meta:
        db_table = "search_shard"

    def __str__(self) -> str:
        return f"search shard {self.number}"


class StorySignature(models.Model):
    """A post's story as a SimHash of its title and summary (``stories.signature``),
    written by the index step: a topic's near-duplicate posts are found by comparing them."""

    post = models.OneToOneField(
        "curation.Post", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    topic = models.ForeignKey("curation.Topic", on_delete=models.CASCADE, related_name="+")
    simhash = models.BigIntegerField()

    def __str__(self) -> str:
        return f"story of {self.post_id}"
