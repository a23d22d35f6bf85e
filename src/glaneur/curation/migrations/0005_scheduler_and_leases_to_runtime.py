"""ScheduledJob and WorkerProcess belong to runtime now (runtime 0001 took their tables)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("curation", "0004_post_steps"),
        ("runtime", "0001_from_curation"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ScheduledJob"),
                migrations.DeleteModel(name="WorkerProcess"),
            ],
        ),
    ]
