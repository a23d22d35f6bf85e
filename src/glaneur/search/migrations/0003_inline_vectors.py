"""PostgreSQL: the shards keep their vectors in the row (backends/postgres.py,
``TOAST_TARGET``). Rows written from now on are stored so; `glaneur reindex` rewrites the
older ones."""

from django.db import migrations

TOAST_TARGET = 8160  # frozen here: the value of backends/postgres.py when this was written


def keep_in_row(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT number FROM search_shard")
        for (number,) in cursor.fetchall():
            name = f"search_index_{int(number)}"
            cursor.execute(f"ALTER TABLE {name} SET (toast_tuple_target = {TOAST_TARGET})")
            cursor.execute(f"ALTER TABLE {name} ALTER COLUMN document SET STORAGE MAIN")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_shards")]

    operations = [migrations.RunPython(keep_in_row, migrations.RunPython.noop)]
