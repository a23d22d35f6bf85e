"""Shards list the ids they hold (``start`` to ``stop`` − 1): recent shards and a rebuild's
archive shards differ in size (backends/shards.py). The shards made before held
``number × 50,000`` to ``(number + 1) × 50,000 − 1``."""

from django.db import migrations, models

SHARD_SIZE = 50_000  # frozen here: the size of every shard before this migration


def fill_ranges(apps, schema_editor):
    SearchShard = apps.get_model("search", "SearchShard")
    for shard in SearchShard.objects.all():
        shard.start = shard.number * SHARD_SIZE
        shard.stop = shard.start + SHARD_SIZE
        shard.save(update_fields=["start", "stop"])


class Migration(migrations.Migration):
    dependencies = [("search", "0003_inline_vectors")]

    operations = [
        migrations.AddField(
            model_name="searchshard",
            name="start",
            field=models.BigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="searchshard",
            name="stop",
            field=models.BigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.RunPython(fill_ranges, migrations.RunPython.noop),
    ]
