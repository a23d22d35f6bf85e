"""The full-text index table: FTS5 on SQLite, tsvector + GIN on PostgreSQL."""

from django.db import migrations, models


class VendorSQL(migrations.RunSQL):
    """RunSQL that runs only on one database vendor."""

    def __init__(self, vendor, sql, reverse_sql):
        self.vendor = vendor
        super().__init__(sql, reverse_sql)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, [self.vendor, kwargs.pop("sql"), kwargs.pop("reverse_sql")], kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SearchEntry",
                    fields=[
                        (
                            "post_id",
                            models.BigIntegerField(
                                db_column="rowid", primary_key=True, serialize=False
                            ),
                        ),
                    ],
                    options={"db_table": "search_entry"},
                ),
            ],
            database_operations=[
                VendorSQL(
                    "sqlite",
                    "CREATE VIRTUAL TABLE search_entry USING fts5("
                    "title, summary, insight, body, tags, site, keys, "
                    "tokenize = 'unicode61 remove_diacritics 0')",
                    "DROP TABLE IF EXISTS search_entry",
                ),
                VendorSQL(
                    "postgresql",
                    [
                        "CREATE TABLE search_entry (rowid bigint PRIMARY KEY, "
                        "topic_id bigint NOT NULL, document tsvector NOT NULL)",
                        "CREATE INDEX search_entry_document_gin ON search_entry "
                        "USING gin (document)",
                        "CREATE INDEX search_entry_topic ON search_entry (topic_id, rowid)",
                    ],
                    "DROP TABLE IF EXISTS search_entry",
                ),
            ],
        ),
    ]
