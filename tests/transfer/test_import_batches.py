"""Imports write in batches of short transactions, and a failed batch takes back the
batches before it: nothing partial remains."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import override_settings
from django.utils import translation

from glaneur.analytics.models import TopicDailyViews
from glaneur.audience.models import Comment
from glaneur.curation.models import Membership, Post, Tag, Topic
from glaneur.curation.services import create_post
from glaneur.transfer.exporters import export_topic
from glaneur.transfer.services import ImportFailed, import_file
from tests.factories import make_posts, make_topic, make_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("english"),
]


@pytest.fixture
def english() -> Any:
    with translation.override("en"):
        yield


def csv_rows(count: int, *, tag: str = "lot") -> bytes:
    rows = [f"https://example.org/{n},Article {n},{tag} {n}" for n in range(count)]
    return ("url,title,tags\n" + "\n".join(rows)).encode()


def committed_posts(topic: Topic) -> int:
    """What another connection sees: the rows committed so far."""
    seen: list[int] = []

    def count() -> None:
        seen.append(Post.objects.filter(topic=topic).count())
        connection.close()

    reader = threading.Thread(target=count)
    reader.start()
    reader.join()
    return seen[0]


@override_settings(GLANEUR_IMPORT_BATCH=2, GLANEUR_IMPORT_PAUSE=0)
def test_each_batch_is_committed_before_the_next_is_written() -> None:
    topic = make_topic()
    seen: list[tuple[int, int]] = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "saving":
            seen.append((done, committed_posts(topic)))

    report = import_file(csv_rows(5), topic=topic, by=None, progress=progress)
    assert report.created_posts == 5
    assert seen == [(0, 0), (2, 2), (4, 4), (5, 5)]


@override_settings(GLANEUR_IMPORT_BATCH=2, GLANEUR_IMPORT_PAUSE=0)
def test_a_failing_batch_takes_back_the_posts_and_tags_the_import_wrote() -> None:
    topic = make_topic()
    kept = make_posts(topic, 1)[0]
    tags_before = set(Tag.objects.values_list("slug", flat=True))

    def someone_adds_row_4(stage: str, done: int, total: int) -> None:
        if stage == "saving" and done == 2:  # the first batch is committed
            create_post(topic, by=None, check=False, title="Déjà là", url="https://example.org/3")

    with pytest.raises(ImportFailed) as failure:
        import_file(csv_rows(6), topic=topic, by=None, progress=someone_adds_row_4)
    assert "the topic changed during the import" in failure.value.reason
    assert set(Post.objects.filter(topic=topic).values_list("url", flat=True)) == {
        kept.url,
        "https://example.org/3",
    }
    assert set(Tag.objects.values_list("slug", flat=True)) == tags_before
    # Run again, the import adds what is missing.
    report = import_file(csv_rows(6), topic=topic, by=None)
    assert (report.created_posts, report.skipped_posts) == (5, 1)


@override_settings(GLANEUR_IMPORT_BATCH=1, GLANEUR_IMPORT_PAUSE=0)
def test_a_failing_batch_takes_back_the_topic_and_accounts_an_import_created() -> None:
    source = make_topic(make_user("source-owner"), slug="source")
    writer = make_user("plume", first_name="Plume")
    Membership.objects.create(user=writer, topic=source, role=Membership.Role.EDITOR)
    posts = make_posts(source, 3, by=writer)
    Comment.objects.create(post=posts[0], author=writer, text="Merci !")
    TopicDailyViews.objects.create(topic=source, day="2024-05-01", count=3)
    document = json.loads(export_topic(source, "json", base_url="").content)
    # Another instance's file: neither its topic nor its accounts are here.
    source.delete()
    User.objects.filter(username__in=["source-owner", "plume"]).delete()
    Tag.objects.all().delete()
    users_before = set(User.objects.values_list("username", flat=True))

    def someone_adds_the_second_post(stage: str, done: int, total: int) -> None:
        if stage == "saving" and done == 1:
            copy = Topic.objects.get(slug="copie")
            create_post(copy, by=None, check=False, title="Déjà là", url=posts[1].url)

    data = json.dumps(document).encode()
    with pytest.raises(ImportFailed):
        import_file(
            data,
            topic=None,
            by=None,
            create_slug="copie",
            trusted=True,
            progress=someone_adds_the_second_post,
        )
    assert not Topic.objects.filter(slug="copie").exists()
    assert set(User.objects.values_list("username", flat=True)) == users_before
    assert not TopicDailyViews.objects.exists()
    assert not Tag.objects.exists()
    report = import_file(data, topic=None, by=None, create_slug="copie", trusted=True)
    assert (report.created_topic, report.created_posts, report.created_comments) == (True, 3, 1)
    assert report.topic.owner.get_username() == "source-owner"
    assert TopicDailyViews.objects.filter(topic=report.topic).count() == 1


@override_settings(GLANEUR_IMPORT_BATCH=2, GLANEUR_IMPORT_PAUSE=0)
def test_a_bad_line_fails_before_any_batch_is_written() -> None:
    topic = make_topic()
    data = csv_rows(7).replace(b"https://example.org/5,", b"not-a-url,")
    progress: list[str] = []
    with pytest.raises(ImportFailed) as failure:
        import_file(data, topic=topic, by=None, progress=lambda s, d, t: progress.append(s))
    assert failure.value.line == 7
    assert "saving" not in progress
    assert not Post.objects.filter(topic=topic).exists()
