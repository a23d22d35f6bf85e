"""Upgrading an instance whose index is one table (migration 0001) keeps its rows: 0002
moves them, already normalised, into the shards, 0004 writes the ids each shard holds, and
searches find them without a reindex."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from glaneur.curation.models import Topic
from glaneur.search.backends import get_backend
from glaneur.search.services import _texts as post_texts
from glaneur.search.services import document_for, search
from tests.factories import make_posts

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(target: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


def latest() -> list[tuple[str, str]]:
    """The search app's last migration: the tests that follow need all its tables."""
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes("search")


def test_rows_of_the_single_table_move_into_the_shards(topic: Topic) -> None:
    # What earlier tests' flushes leave: a shard table that the registry does not list.
    with connection.cursor() as cursor:
        get_backend().drop_table(cursor, 0)  # type: ignore[attr-defined]
        get_backend().create_table(cursor, 0)  # type: ignore[attr-defined]
    posts = make_posts(topic, 3)
    migrate([("search", "0001_initial")])
    try:
        documents = [document_for(text, []) for text in post_texts(topic.posts.all())]
        with connection.cursor() as cursor:
            for d in documents:
                if connection.vendor == "sqlite":
                    cursor.execute(
                        "INSERT INTO search_entry (rowid, title, summary, insight, body, tags, "
                        "site, keys) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                        [d.post_id, d.title, d.summary, d.insight, d.body, d.tags, d.site, d.keys],
                    )
                else:
                    from glaneur.search.backends.postgres import tsvector_literal

                    cursor.execute(
                        "INSERT INTO search_entry (rowid, topic_id, document) "
                        "VALUES (%s, %s, %s::tsvector)",
                        [d.post_id, d.topic_id, tsvector_literal(d)],
                    )
    finally:
        migrate(latest())
    assert get_backend().indexed() == {post.pk for post in posts}
    with connection.cursor() as cursor:  # 0004: the ranges of the 50,000-post shards of 0002
        ranges = get_backend().ranges(cursor)  # type: ignore[attr-defined]
    assert ranges == sorted(
        {(p.pk // 50_000 * 50_000, (p.pk // 50_000 + 1) * 50_000, p.pk // 50_000) for p in posts}
    )
    assert len(search("summary").hits) == 3
    with connection.cursor() as cursor:
        assert "search_entry" not in connection.introspection.table_names(cursor)
        if connection.vendor == "postgresql":  # 0003: the shards keep their vectors in the row
            cursor.execute(
                "SELECT c.reloptions FROM search_shard s "
                "JOIN pg_class c ON c.relname = 'search_index_' || s.number"
            )
            options = [row[0] or [] for row in cursor.fetchall()]
            assert options and all("toast_tuple_target=8160" in row for row in options)
