"""The index in shards (backends/shards.py): the rows of the single ``search_entry`` table
move, already normalised, into one table per 50,000 post ids, listed in ``search_shard``."""

from django.db import migrations, models

SHARD_SIZE = 50_000  # frozen here: the value of backends/shards.py when this was written
FTS_COLUMNS = "title, summary, insight, body, tags, site, keys"


def _create_sqlite(cursor, name):
    cursor.execute(
        f"CREATE VIRTUAL TABLE {name} USING fts5({FTS_COLUMNS}, "
        "tokenize = 'unicode61 remove_diacritics 0')"
    )


def _create_postgresql(cursor, name):
    cursor.execute(
        f"CREATE TABLE {name} (rowid bigint PRIMARY KEY, "
        "topic_id bigint NOT NULL, document tsvector NOT NULL)"
    )
    cursor.execute(f"CREATE INDEX {name}_topic ON {name} (topic_id, rowid)")
    cursor.execute(f"CREATE INDEX {name}_gin ON {name} USING gin (document)")


def into_shards(apps, schema_editor):
    connection = schema_editor.connection
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        return
    columns = FTS_COLUMNS if vendor == "sqlite" else "topic_id, document"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT rowid / {SHARD_SIZE} FROM search_entry")  # noqa: S608
        for (number,) in cursor.fetchall():
            name = f"search_index_{int(number)}"
            # A table of that name not listed in search_shard holds nothing valid.
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
            (_create_sqlite if vendor == "sqlite" else _create_postgresql)(cursor, name)
            cursor.execute(
                f"INSERT INTO {name} (rowid, {columns}) SELECT rowid, {columns} "  # noqa: S608
                "FROM search_entry WHERE rowid >= %s AND rowid < %s",
                [number * SHARD_SIZE, (number + 1) * SHARD_SIZE],
            )
            cursor.execute("INSERT INTO search_shard (number) VALUES (%s)", [number])
        cursor.execute("DROP TABLE search_entry")


def back_to_one_table(apps, schema_editor):
    """Back to an empty single table: `glaneur reindex` fills it again."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT number FROM search_shard")
        for (number,) in cursor.fetchall():
            cursor.execute(f"DROP TABLE IF EXISTS search_index_{int(number)}")
        if connection.vendor == "sqlite":
            _create_sqlite(cursor, "search_entry")
        elif connection.vendor == "postgresql":
            cursor.execute(
                "CREATE TABLE search_entry (rowid bigint PRIMARY KEY, "
                "topic_id bigint NOT NULL, document tsvector NOT NULL)"
            )
            cursor.execute(
                "CREATE INDEX search_entry_document_gin ON search_entry USING gin (document)"
            )
            cursor.execute("CREATE INDEX search_entry_topic ON search_entry (topic_id, rowid)")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="SearchShard",
            fields=[("number", models.PositiveIntegerField(primary_key=True, serialize=False))],
            options={"db_table": "search_shard"},
        ),
        migrations.RunPython(into_shards, back_to_one_table),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SearchEntry")]
        ),
    ]
