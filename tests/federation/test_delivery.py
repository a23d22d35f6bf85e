"""Delivery: Create when a post is published (the pipeline's event), Update on edit, Delete
on unpublishing or removal; one delivery per shared inbox; retries with backoff; an inbox
failing for a week is dropped."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from glaneur.curation.models import Post, Topic
from glaneur.curation.services import create_post, delete_post, unpublish, update_post
from glaneur.curation.topics import update_topic
from glaneur.federation import services
from glaneur.federation.models import Delivery, FederatedPost, Follower, RemoteActor
from tests.factories import make_topic
from tests.federation.helpers import actor_document, verify_delivery
from tests.federation.remote import RemoteServer

pytestmark = pytest.mark.django_db


def add_follower(topic: Topic, remote: RemoteServer, name: str) -> Follower:
    actor = RemoteActor.objects.create(
        uri=remote.url(f"/users/{name}"),
        key_id=remote.url(f"/users/{name}#main-key"),
        public_pem=remote.public_pem,
        inbox=remote.url(f"/users/{name}/inbox"),
        shared_inbox=remote.url("/inbox") if remote.shared else "",
        username=name,
        domain=remote.netloc,
    )
    return Follower.objects.create(topic=topic, actor=actor)


def deliver_all() -> list[bool]:
    return [services.deliver(pk) for pk in Delivery.objects.values_list("pk", flat=True)]


def publish(topic: Topic, capture: Callable[..., Any], **fields: Any) -> Post:
    with capture(execute=True):
        return create_post(topic, by=topic.owner, **{"title": "Forum emploi", **fields})


def test_a_published_post_goes_once_to_each_server_signed(
    client: Client,
    topic: Topic,
    remote: RemoteServer,
    django_capture_on_commit_callbacks: Callable[..., Any],
    settings: Any,
) -> None:
    add_follower(topic, remote, "alice")
    add_follower(topic, remote, "bob")  # same server: one delivery to its shared inbox
    lone = RemoteServer(shared_inbox=False, username="carol")
    settings.GLANEUR_FETCH_ALLOW = [remote.netloc, lone.netloc]
    try:
        add_follower(topic, lone, "carol")
        post = publish(
            topic,
            django_capture_on_commit_callbacks,
            url="https://example.org/forum",
            insight="Bien",
            tags="emploi",
        )
        assert sorted(Delivery.objects.values_list("inbox", flat=True)) == sorted(
            [remote.url("/inbox"), lone.url("/users/carol/inbox")]
        )
        # The deliveries are a task of the federation queue (up to BATCH per task).
        [task] = DBTaskResult.objects.filter(queue_name="federation")
        assert sorted(task.args_kwargs["args"][0]) == sorted(
            Delivery.objects.values_list("pk", flat=True)
        )
        assert deliver_all() == [True, True]
        [got] = remote.received
        assert got.path == "/inbox"
        assert got.activity["type"] == "Create"
        assert got.activity["object"]["id"] == f"http://testserver{post.get_absolute_url()}"
        assert got.headers["content-type"] == "application/activity+json"
        assert "digest" in got.headers["signature"]
        assert verify_delivery(client, topic, remote, got).endswith("#main-key")
        assert [r.path for r in lone.received] == ["/users/carol/inbox"]
    finally:
        lone.close()


def test_an_edit_goes_as_update_and_a_removal_as_delete(
    topic: Topic, remote: RemoteServer, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    add_follower(topic, remote, "alice")
    post = publish(topic, django_capture_on_commit_callbacks)
    deliver_all()
    with django_capture_on_commit_callbacks(execute=True):
        update_post(post, by=topic.owner, insight="Un avis **nouveau**")
    deliver_all()
    update = remote.received[-1].activity
    assert update["type"] == "Update"
    assert "<strong>nouveau</strong>" in update["object"]["content"]
    # A change that leaves the Note as it was sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        Post.objects.get(pk=post.pk).save()
    assert not Delivery.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        unpublish(Post.objects.get(pk=post.pk), by=topic.owner)
    deliver_all()
    delete = remote.received[-1].activity
    assert delete["type"] == "Delete"
    assert delete["object"] == {
        "id": f"http://testserver{post.get_absolute_url()}",
        "type": "Tombstone",
    }
    assert [r.activity["type"] for r in remote.received] == ["Create", "Update", "Delete"]
    # Published again, then deleted: Create, then Delete.
    second = publish(topic, django_capture_on_commit_callbacks, title="Autre")
    with django_capture_on_commit_callbacks(execute=True):
        delete_post(second, by=topic.owner)
    deliver_all()
    assert [r.activity["type"] for r in remote.received][-2:] == ["Create", "Delete"]


def test_posts_of_private_or_unlisted_topics_are_never_delivered(
    remote: RemoteServer, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    for visibility in (Topic.Visibility.PRIVATE, Topic.Visibility.UNLISTED):
        hidden = make_topic(visibility=visibility)
        add_follower(hidden, remote, f"x{visibility}")
        publish(hidden, django_capture_on_commit_callbacks)
    assert not Delivery.objects.exists()


def test_a_draft_is_not_delivered_until_published(
    topic: Topic, remote: RemoteServer, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    add_follower(topic, remote, "alice")
    publish(topic, django_capture_on_commit_callbacks, status=Post.Status.DRAFT)
    assert not Delivery.objects.exists()


def test_a_dead_inbox_is_retried_with_backoff_then_dropped(
    topic: Topic, remote: RemoteServer, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    add_follower(topic, remote, "alice")
    other = make_topic(owner=topic.owner)
    add_follower(other, remote, "alice2")
    remote.fail = True
    publish(topic, django_capture_on_commit_callbacks)
    [delivery] = Delivery.objects.all()
    before = timezone.now()
    assert services.deliver(delivery.pk) is False
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert "500" in delivery.last_error
    assert before + timedelta(seconds=59) < delivery.next_attempt_at
    assert delivery.next_attempt_at < timezone.now() + timedelta(seconds=61)
    # The retry is a task due at that time.
    retry = DBTaskResult.objects.filter(queue_name="federation").order_by("-enqueued_at").first()
    assert retry is not None and retry.run_after == delivery.next_attempt_at
    assert services.deliver(delivery.pk) is False
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    # Still failing a week after the first failure: the inbox and its followers go.
    Delivery.objects.filter(pk=delivery.pk).update(
        first_failed_at=timezone.now() - timedelta(days=7, minutes=1)
    )
    assert services.deliver(delivery.pk) is False
    assert not Delivery.objects.exists()
    assert not Follower.objects.exists()
    assert len(remote.received) == 3


def test_backoff_runs_from_a_minute_to_a_day() -> None:
    delays = [services.retry_delay(n) for n in range(1, 15)]
    assert delays[0] == timedelta(minutes=1)
    assert delays[1] == timedelta(minutes=2)
    assert delays == sorted(delays)
    assert delays[-1] == timedelta(hours=24)


def test_a_recovered_inbox_gets_the_delivery(
    topic: Topic, remote: RemoteServer, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    add_follower(topic, remote, "alice")
    remote.fail = True
    publish(topic, django_capture_on_commit_callbacks)
    assert deliver_all() == [False]
    remote.fail = False
    assert deliver_all() == [True]
    assert not Delivery.objects.exists()
    assert Follower.objects.count() == 1


def test_a_batch_sends_to_several_inboxes_and_keeps_only_the_failed(
    topic: Topic,
    remote: RemoteServer,
    django_capture_on_commit_callbacks: Callable[..., Any],
    settings: Any,
) -> None:
    dead = RemoteServer(username="dead")
    settings.GLANEUR_FETCH_ALLOW = [remote.netloc, dead.netloc]
    try:
        add_follower(topic, remote, "alice")
        add_follower(topic, dead, "dead")
        dead.fail = True
        publish(topic, django_capture_on_commit_callbacks)
        ids = list(Delivery.objects.values_list("pk", flat=True))
        assert services.deliver_many(ids) == 1
        [left] = Delivery.objects.all()
        assert left.inbox == dead.url("/inbox")
        assert left.attempts == 1
        assert [r.activity["type"] for r in remote.received] == ["Create"]
    finally:
        dead.close()


def test_a_topic_made_private_before_delivery_sends_nothing(
    topic: Topic, remote: RemoteServer, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    add_follower(topic, remote, "alice")
    publish(topic, django_capture_on_commit_callbacks)
    Topic.objects.filter(pk=topic.pk).update(visibility=Topic.Visibility.PRIVATE)
    deliver_all()
    assert remote.received == []
    assert not Delivery.objects.exists()


def test_a_topic_no_longer_public_is_withdrawn_from_its_followers(
    client: Client,
    topic: Topic,
    remote: RemoteServer,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    add_follower(topic, remote, "alice")
    add_follower(topic, remote, "bob")
    publish(topic, django_capture_on_commit_callbacks)
    deliver_all()
    publish(topic, django_capture_on_commit_callbacks, title="Pas encore parti")
    known = actor_document(client, topic)  # the followers' server keeps the actor's key
    with django_capture_on_commit_callbacks(execute=True):
        update_topic(topic, by=topic.owner, visibility=Topic.Visibility.UNLISTED)
    # One Delete of the actor itself per server, signed; the pending Create is dropped.
    assert [d.activity["type"] for d in Delivery.objects.all()] == ["Delete"]
    assert deliver_all() == [True]
    got = remote.received[-1]
    assert got.activity["type"] == "Delete"
    assert got.activity["object"] == got.activity["actor"] == services.actor_id(topic)
    assert verify_delivery(client, topic, remote, got, known).endswith("#main-key")
    assert [r.activity["type"] for r in remote.received] == ["Create", "Delete"]
    assert not Follower.objects.filter(topic=topic).exists()
    assert not FederatedPost.objects.filter(topic=topic).exists()
    # Public again: nothing is sent to the forgotten followers; a new follow starts afresh.
    with django_capture_on_commit_callbacks(execute=True):
        update_topic(topic, by=topic.owner, visibility=Topic.Visibility.PUBLIC)
        update_topic(topic, by=topic.owner, title="Veille renommée")
    assert not Delivery.objects.exists()
