"""The scheduler's and the leases' tables move from curation to runtime, rows kept: the
models are created here in the state only, on the tables curation made, then renamed."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("curation", "0004_post_steps"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ScheduledJob",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=100, unique=True)),
                        ("next_run_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("last_run_at", models.DateTimeField(blank=True, null=True)),
                        ("last_owner", models.CharField(blank=True, max_length=100)),
                    ],
                    options={"db_table": "curation_scheduledjob"},
                ),
                migrations.CreateModel(
                    name="WorkerProcess",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("worker_id", models.CharField(max_length=64, unique=True)),
                        ("host", models.CharField(blank=True, max_length=255)),
                        ("pid", models.PositiveIntegerField(default=0)),
                        ("started_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("seen_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                    ],
                    options={"db_table": "curation_workerprocess"},
                ),
            ],
        ),
        migrations.AlterModelTable(name="scheduledjob", table=None),
        migrations.AlterModelTable(name="workerprocess", table=None),
    ]
