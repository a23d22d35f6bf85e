"""The inbox: signed activities only (cavage and RFC 9421), keys fetched through the
SSRF-safe fetcher and cached; Follow stores the follower and answers Accept; Undo removes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from glaneur.curation.models import Topic
from glaneur.federation import services
from glaneur.federation.models import Delivery, Follower, RemoteActor
from glaneur.federation.signatures import generate_key_pair, sign_request
from tests.factories import make_topic
from tests.federation.helpers import verify_delivery
from tests.federation.remote import RemoteServer

pytestmark = pytest.mark.django_db


def follow_activity(remote: RemoteServer, topic: Topic) -> dict[str, Any]:
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": remote.url("/follows/1"),
        "type": "Follow",
        "actor": remote.actor_id,
        "object": f"http://testserver/topic/{topic.slug}/",
    }


def post(client: Client, path: str, body: bytes, headers: dict[str, str]) -> Any:
    extra: dict[str, Any] = {
        f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()
    }
    extra.pop("HTTP_HOST", None)
    return client.post(path, body, content_type="application/activity+json", **extra)


def test_a_signed_follow_is_stored_and_accepted(
    client: Client, topic: Topic, remote: RemoteServer
) -> None:
    path = f"/topic/{topic.slug}/inbox"
    body, headers = remote.signed(f"http://testserver{path}", follow_activity(remote, topic))
    response = post(client, path, body, headers)
    assert response.status_code == 202, response.content
    follower = Follower.objects.get(topic=topic)
    assert follower.actor.uri == remote.actor_id
    assert follower.actor.shared_inbox == remote.url("/inbox")
    # The Accept goes to the follower's own inbox, signed by the topic.
    [delivery] = Delivery.objects.all()
    assert delivery.activity["type"] == "Accept"
    assert services.deliver(delivery.pk) is True
    [got] = remote.received
    assert got.path == "/users/alice/inbox"
    assert got.activity["object"]["id"] == remote.url("/follows/1")
    assert (
        verify_delivery(client, topic, remote, got)
        == f"http://testserver/topic/{topic.slug}/#main-key"
    )
    assert not Delivery.objects.exists()
    # The remote's key was fetched with a GET signed by the topic (for "secure mode" servers).
    [signature] = remote.fetch_signatures
    assert f'keyId="http://testserver/topic/{topic.slug}/#main-key"' in signature


def test_rfc9421_signatures_are_accepted_on_the_shared_inbox(
    client: Client, topic: Topic, remote: RemoteServer
) -> None:
    body, headers = remote.signed_rfc9421("http://testserver/inbox", follow_activity(remote, topic))
    assert post(client, "/inbox", body, headers).status_code == 202
    assert Follower.objects.filter(topic=topic, actor__uri=remote.actor_id).exists()


def test_unsigned_and_badly_signed_posts_are_refused(
    client: Client, topic: Topic, remote: RemoteServer
) -> None:
    path = f"/topic/{topic.slug}/inbox"
    activity = follow_activity(remote, topic)
    assert post(client, path, json.dumps(activity).encode(), {}).status_code == 401
    # The body changed after signing.
    body, headers = remote.signed(f"http://testserver{path}", activity)
    assert post(client, path, body.replace(b"Follow", b"Block"), headers).status_code == 401
    # Signed for another address.
    body, headers = remote.signed("http://testserver/inbox", activity)
    assert post(client, path, body, headers).status_code == 401
    # Signed with a key that is not the actor's (but naming the actor's key).
    impostor = RemoteServer()
    impostor.close()
    body = json.dumps(activity).encode()
    forged = sign_request(
        "POST",
        f"http://testserver{path}",
        body,
        key_id=remote.key_id,
        private_key=impostor.private_pem,
    )
    assert post(client, path, body, forged).status_code == 401
    # RFC 9421 with a tampered body.
    body, headers = remote.signed_rfc9421("http://testserver/inbox", activity)
    assert post(client, "/inbox", body + b" ", headers).status_code == 401
    assert not Follower.objects.exists()


def test_the_signer_must_be_the_activity_actor(
    client: Client, topic: Topic, remote: RemoteServer
) -> None:
    activity = {**follow_activity(remote, topic), "actor": "https://elsewhere.example/users/bob"}
    body, headers = remote.signed("http://testserver/inbox", activity)
    assert post(client, "/inbox", body, headers).status_code == 401
    assert not Follower.objects.exists()


def test_remote_keys_are_cached(client: Client, topic: Topic, remote: RemoteServer) -> None:
    for n in range(3):
        activity = {**follow_activity(remote, topic), "id": remote.url(f"/follows/{n}")}
        body, headers = remote.signed("http://testserver/inbox", activity)
        assert post(client, "/inbox", body, headers).status_code == 202
    assert remote.actor_fetches == 1
    assert RemoteActor.objects.count() == 1


def test_undo_follow_removes_the_follower(
    client: Client, topic: Topic, remote: RemoteServer
) -> None:
    follow = follow_activity(remote, topic)
    body, headers = remote.signed("http://testserver/inbox", follow)
    assert post(client, "/inbox", body, headers).status_code == 202
    undo = {
        "id": remote.url("/undo/1"),
        "type": "Undo",
        "actor": remote.actor_id,
        "object": follow,
    }
    body, headers = remote.signed("http://testserver/inbox", undo)
    assert post(client, "/inbox", body, headers).status_code == 202
    assert not Follower.objects.exists()


@pytest.mark.parametrize("kind", ["Delete", "Move"])
def test_an_account_deleted_or_moved_follows_no_more(
    client: Client, topic: Topic, remote: RemoteServer, kind: str
) -> None:
    body, headers = remote.signed("http://testserver/inbox", follow_activity(remote, topic))
    assert post(client, "/inbox", body, headers).status_code == 202
    other = make_topic(title="Une autre veille")
    # Someone else's account named as the object: nothing changes.
    forged = {
        "id": remote.url("/x/1"),
        "type": kind,
        "actor": remote.actor_id,
        "object": "https://elsewhere.example/users/bob",
        "target": remote.url("/users/new"),
    }
    body, headers = remote.signed("http://testserver/inbox", forged)
    assert post(client, "/inbox", body, headers).status_code == 202
    assert Follower.objects.filter(topic=topic).count() == 1
    gone = {**forged, "id": remote.url("/x/2"), "object": remote.actor_id}
    body, headers = remote.signed(f"http://testserver/topic/{other.slug}/inbox", gone)
    assert post(client, f"/topic/{other.slug}/inbox", body, headers).status_code == 202
    assert not Follower.objects.exists()


def test_private_topics_refuse_follows(client: Client, remote: RemoteServer) -> None:
    hidden = make_topic(visibility=Topic.Visibility.PRIVATE)
    body, headers = remote.signed("http://testserver/inbox", follow_activity(remote, hidden))
    assert post(client, "/inbox", body, headers).status_code == 404
    path = f"/topic/{hidden.slug}/inbox"
    body, headers = remote.signed(f"http://testserver{path}", follow_activity(remote, hidden))
    assert post(client, path, body, headers).status_code == 404
    assert not Follower.objects.exists()


def test_an_unreachable_key_is_refused(client: Client, topic: Topic, settings: Any) -> None:
    remote = RemoteServer()
    remote.close()  # and not allow-listed either: the SSRF guard refuses loopback
    settings.GLANEUR_FETCH_ALLOW = []
    body, headers = remote.signed("http://testserver/inbox", follow_activity(remote, topic))
    assert post(client, "/inbox", body, headers).status_code == 401


def test_a_rotated_key_is_fetched_again(client: Client, topic: Topic, remote: RemoteServer) -> None:
    body, headers = remote.signed("http://testserver/inbox", follow_activity(remote, topic))
    assert post(client, "/inbox", body, headers).status_code == 202
    remote.private_pem, remote.public_pem = generate_key_pair()
    activity = {**follow_activity(remote, topic), "id": remote.url("/follows/2")}
    body, headers = remote.signed("http://testserver/inbox", activity)
    assert post(client, "/inbox", body, headers).status_code == 202
    assert remote.actor_fetches == 2
    assert RemoteActor.objects.get().public_pem == remote.public_pem
