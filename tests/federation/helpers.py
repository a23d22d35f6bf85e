"""What a remote server does with what Glaneur sends: check its signature with the key the
topic's actor document publishes."""

from __future__ import annotations

from django.test import Client

from glaneur.curation.models import Topic
from glaneur.federation.signatures import verify_request
from tests.federation.remote import Received, RemoteServer


def verify_delivery(client: Client, topic: Topic, remote: RemoteServer, got: Received) -> str:
    actor = client.get(topic.get_absolute_url(), HTTP_ACCEPT="application/activity+json").json()
    key = actor["publicKey"]

    def keys(key_id: str, refresh: bool) -> str:
        assert key_id == key["id"]
        return str(key["publicKeyPem"])

    return verify_request("POST", remote.url(got.path), got.headers, got.body, keys)
