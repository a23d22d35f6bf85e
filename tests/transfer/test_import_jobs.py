"""Imports from the page run as background jobs with a progress bar; the CLI runs them inline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from glaneur.audience.models import Comment
from glaneur.curation.models import Membership, Post, Topic
from glaneur.transfer.exporters import export_topic
from glaneur.transfer.jobs import run_import_job, start_import
from glaneur.transfer.models import ImportJob
from tests.factories import add_member, make_posts, make_topic
from tests.transfer.conftest import make_account, run_worker


@pytest.fixture(autouse=True)
def _english_messages() -> Any:
    """These tests read the reports' wording: in English (the product defaults to French)."""
    with translation.override("en"):
        yield


CSV = b"url,title,tags\nhttps://example.org/a,A,emploi\nhttps://example.org/b,B,formation\n"
BAD_CSV = b"url,title\nhttps://example.org/a,A\nhttps://example.org/b,B\nnowhere,C\n"


def upload(client: Client, topic: Topic, content: bytes, name: str = "posts.csv") -> Any:
    return client.post(
        reverse("transfer:import", args=[topic.slug]),
        {"file": SimpleUploadedFile(name, content), "format": ""},
    )


def job_fragment(client: Client, job: ImportJob) -> str:
    assert job.topic is not None
    response = client.get(reverse("transfer:job", args=[job.topic.slug, job.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_an_upload_becomes_a_job_the_worker_runs_with_a_polled_progress_bar(
    client: Client, topic: Topic, curator: Any
) -> None:
    client.force_login(curator)
    response = upload(client, topic, CSV)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert (job.status, job.filename, job.size) == (ImportJob.Status.QUEUED, "posts.csv", len(CSV))
    waiting = job_fragment(client, job)
    assert 'hx-trigger="every 1s"' in waiting and "<progress" in waiting

    run_worker()

    job.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED
    assert job.report["created_posts"] == 2 and job.done == job.total == 2
    assert job.content == b""  # the upload is not kept once imported
    done = job_fragment(client, job)
    assert "hx-trigger" not in done and 'value="100"' in done
    assert set(Post.objects.values_list("title", flat=True)) == {"A", "B"}
    page = client.get(reverse("transfer:topic", args=[topic.slug])).content.decode()
    assert f'id="import-job-{job.pk}"' in page


@pytest.mark.django_db(transaction=True)
def test_a_failed_job_says_which_line_and_imports_nothing(
    client: Client, topic: Topic, curator: Any
) -> None:
    client.force_login(curator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    upload(client, topic, BAD_CSV)
    run_worker()
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED and job.language == "en"
    assert (job.error_line, job.error_item) == (4, 3)
    assert not Post.objects.exists()
    fragment = job_fragment(client, job)
    assert "line 4 (item 3)" in fragment and "nowhere" in fragment and 'role="alert"' in fragment


@pytest.mark.django_db
def test_progress_is_written_on_the_job_while_it_runs(topic: Topic, curator: Any) -> None:
    rows = "\n".join(f"https://example.org/{i},Post {i}" for i in range(250))
    job = start_import(topic, f"url,title\n{rows}\n".encode(), by=curator, filename="big.csv")
    seen: list[tuple[str, int, int]] = []
    run_import_job(job.pk, on_progress=lambda j: seen.append((j.stage, j.done, j.total)))
    assert seen[0] == ("checking", 2, 250)
    assert ("checking", 250, 250) in seen and seen[-1] == ("saving", 250, 250)
    assert [done for stage, done, _ in seen if stage == "checking"] == sorted(
        done for stage, done, _ in seen if stage == "checking"
    )
    job.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED and job.percent == 100
    # A task delivered twice runs the import once.
    assert run_import_job(job.pk).status == ImportJob.Status.SUCCEEDED
    assert Post.objects.filter(topic=topic).count() == 250


@pytest.mark.django_db
@override_settings(GLANEUR_IMPORT_MAX_BYTES=100)
def test_a_file_over_the_size_cap_is_refused_before_any_job(
    client: Client, topic: Topic, curator: Any
) -> None:
    client.force_login(curator)
    response = upload(client, topic, b"url,title\n" + b"https://example.org/x,X\n" * 10)
    assert response.status_code == 400
    assert not ImportJob.objects.exists()


# --- the CLI ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_cli_import_prints_progress_and_the_outcome(
    topic: Topic, tmp_path: Path, capsys: Any
) -> None:
    path = tmp_path / "posts.csv"
    path.write_bytes(CSV)
    call_command("import", str(path), "--topic", topic.slug)
    out = capsys.readouterr().out
    assert "2/2" in out and "2 posts imported, 0 already there" in out
    call_command("import", str(path), "--topic", topic.slug, "--format", "csv")
    assert "0 posts imported, 2 already there" in capsys.readouterr().out


@pytest.mark.django_db
def test_cli_import_refuses_with_the_line_and_saves_nothing(topic: Topic, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(BAD_CSV)
    with pytest.raises(CommandError, match=r"line 4 \(item 3\).*nothing was imported"):
        call_command("import", str(path), "--topic", topic.slug)
    assert not Post.objects.exists()
    with pytest.raises(CommandError, match="--create needs a Glaneur JSON"):
        call_command("import", str(path), "--topic", "new-topic", "--create")
    with pytest.raises(CommandError, match="no topic"):
        call_command("import", str(path), "--topic", "missing")


@pytest.mark.django_db
def test_cli_create_makes_the_topic_under_another_slug(topic: Topic, tmp_path: Path) -> None:
    make_posts(topic, 3)
    path = tmp_path / "topic.json"
    path.write_bytes(export_topic(topic, "json", base_url="").content)
    call_command("import", str(path), "--topic", "copie", "--create")
    copy = Topic.objects.get(slug="copie")
    assert copy.title == topic.title and copy.owner == topic.owner
    assert copy.posts.count() == 3


# --- Glaneur JSON into an existing topic ----------------------------------------------


@pytest.mark.django_db
def test_a_topic_export_imported_back_into_it_changes_nothing(grown_seed: Topic) -> None:
    data = export_topic(grown_seed, "json", base_url="").content
    before = sorted(Post.objects.values_list("pk", "updated_at"))
    job = start_import(grown_seed, data, by=grown_seed.owner)
    job = run_import_job(job.pk)
    assert job.status == ImportJob.Status.SUCCEEDED
    assert job.report["created_posts"] == 0 and job.report["skipped_posts"] == 205
    assert sorted(Post.objects.values_list("pk", "updated_at")) == before


@pytest.mark.django_db
def test_json_uploaded_into_another_topic_adds_posts_but_no_members_nor_accounts(
    grown_seed: Topic,
) -> None:
    data = export_topic(grown_seed, "json", base_url="").content
    target = make_topic(make_account("cible"))
    accounts = get_user_model().objects.count()
    job = run_import_job(start_import(target, data, by=target.owner).pk)
    assert job.report["created_posts"] == 205
    assert list(Membership.objects.filter(topic=target).values_list("role", flat=True)) == ["owner"]
    assert any("members" in message for message in job.report["messages"])
    rescooped = Post.objects.get(topic=target, origin__isnull=False)
    assert rescooped.origin is not None and rescooped.origin.topic.slug == "autre-veille"
    # Uploaded files speak for nobody: posts are credited to the importer, comments keep
    # their authors' names, no account is made.
    curators = set(Post.objects.filter(topic=target).values_list("curated_by__username", flat=True))
    assert curators == {"cible"}
    comments = Comment.objects.filter(post__topic=target)
    assert not comments.filter(author__isnull=False).exists()
    assert set(comments.values_list("author_name", flat=True)) == {"Louis", "Anonyme"}
    assert get_user_model().objects.count() == accounts
    exported = json.loads(export_topic(target, "json", base_url="").content)
    assert len(exported["posts"]) == 205


@pytest.mark.django_db
def test_contributors_cannot_start_imports(topic: Topic) -> None:
    contributor = make_account()
    add_member(topic, contributor, Membership.Role.CONTRIBUTOR)
    with pytest.raises(PermissionDenied):
        start_import(topic, CSV, by=contributor)
    assert not ImportJob.objects.exists()
