"""Freeze the feed entry ids already published (the post page's URL with its slug then)."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.urls import reverse

BATCH = 1000


def freeze_published_ids(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Post = apps.get_model("curation", "Post")
    PublishedEntryId = apps.get_model("syndication", "PublishedEntryId")
    rows: list[Any] = []
    published = (
        Post.objects.filter(status="published")
        .values_list("pk", "slug", "topic__slug")
        .order_by("pk")
    )
    for pk, slug, topic_slug in published.iterator(chunk_size=BATCH):
        # The URL feeds used as the entry id until now (curation.models.post_path).
        path = reverse(
            "curation:post", kwargs={"slug": topic_slug, "post_id": pk, "post_slug": slug or "-"}
        )
        rows.append(PublishedEntryId(post_id=pk, path=path))
        if len(rows) >= BATCH:
            PublishedEntryId.objects.bulk_create(rows)
            rows = []
    PublishedEntryId.objects.bulk_create(rows)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("curation", "0005_scheduler_and_leases_to_runtime"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublishedEntryId",
            fields=[
                (
                    "post",
                    models.OneToOneField(
                        on_delete=models.deletion.CASCADE,
                        primary_key=True,
                        related_name="published_entry_id",
                        serialize=False,
                        to="curation.post",
                    ),
                ),
                ("path", models.CharField(max_length=400)),
            ],
        ),
        migrations.RunPython(freeze_published_ids, migrations.RunPython.noop),
    ]
