"""Who may import and export what.

Owners and editors import and export everything. Anyone who may see a topic may export
its public part (published posts, visible comments: what its pages and feeds show already),
since a way out is what Scoop.it's users miss most; nobody else gets anything.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from glaneur.curation.models import Membership, Post, Topic
from glaneur.transfer.models import ImportJob
from tests.factories import add_member
from tests.transfer.conftest import make_account

pytestmark = pytest.mark.django_db
CSV = b"url,title\nhttps://example.org/a,A\n"


def export(client: Client, topic: Topic, fmt: str = "json") -> Any:
    return client.get(reverse("transfer:export", args=[topic.slug, fmt]))


def post_import(client: Client, topic: Topic) -> Any:
    return client.post(
        reverse("transfer:import", args=[topic.slug]), {"file": SimpleUploadedFile("a.csv", CSV)}
    )


@pytest.fixture
def editor(grown_seed: Topic) -> Any:
    return grown_seed.memberships.get(role=Membership.Role.EDITOR).user


def test_readers_cannot_import_nor_follow_jobs(client: Client, grown_seed: Topic) -> None:
    assert post_import(client, grown_seed).status_code == 302  # to the login page
    client.force_login(make_account())
    assert post_import(client, grown_seed).status_code == 403
    contributor = make_account()
    add_member(grown_seed, contributor, Membership.Role.CONTRIBUTOR)
    client.force_login(contributor)
    assert post_import(client, grown_seed).status_code == 403
    assert not ImportJob.objects.exists()
    job = ImportJob.objects.create(topic=grown_seed)
    assert client.get(reverse("transfer:job", args=[grown_seed.slug, job.pk])).status_code == 403


def test_editors_import(client: Client, grown_seed: Topic, editor: Any) -> None:
    client.force_login(editor)
    assert post_import(client, grown_seed).status_code == 302
    assert ImportJob.objects.get().created_by == editor


def test_managers_export_everything_readers_the_public_part(
    client: Client, grown_seed: Topic, editor: Any
) -> None:
    total = Post.objects.filter(topic=grown_seed).count()
    published = Post.objects.filter(topic=grown_seed, status=Post.Status.PUBLISHED).count()
    assert published < total

    reader_export = export(client, grown_seed)
    assert reader_export.status_code == 200
    assert reader_export["Content-Disposition"].startswith("attachment;")
    assert len(json.loads(reader_export.content)["posts"]) == published

    client.force_login(editor)
    full = json.loads(export(client, grown_seed).content)
    assert len(full["posts"]) == total
    for fmt in ("csv", "netscape", "opml"):
        assert export(client, grown_seed, fmt).status_code == 200
    assert export(client, grown_seed, "xml").status_code == 404


def test_a_private_topic_exports_nothing_to_strangers(client: Client, grown_seed: Topic) -> None:
    Topic.objects.filter(pk=grown_seed.pk).update(visibility=Topic.Visibility.PRIVATE)
    client.force_login(make_account())
    assert export(client, grown_seed).status_code == 404
    assert client.get(reverse("transfer:topic", args=[grown_seed.slug])).status_code == 404


def test_the_page_shows_imports_to_managers_only(
    client: Client, grown_seed: Topic, editor: Any
) -> None:
    page = reverse("transfer:topic", args=[grown_seed.slug])
    reader_view = client.get(page).content.decode()
    assert reverse("transfer:export", args=[grown_seed.slug, "json"]) in reader_view
    assert 'type="file"' not in reader_view
    client.force_login(editor)
    assert 'type="file"' in client.get(page).content.decode()


def test_the_topic_page_offers_export_to_readers_and_import_to_managers(
    client: Client, grown_seed: Topic, editor: Any
) -> None:
    link = reverse("transfer:topic", args=[grown_seed.slug])
    browser = {"User-Agent": "Mozilla/5.0"}
    html = client.get(grown_seed.get_absolute_url(), headers=browser).content.decode()
    assert f'<a href="{link}">Exporter</a>' in html
    client.force_login(editor)
    html = client.get(grown_seed.get_absolute_url(), headers=browser).content.decode()
    assert f'<a href="{link}">Importer / exporter</a>' in html
