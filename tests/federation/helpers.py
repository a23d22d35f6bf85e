"""What a remote server does with what Glaneur sends: check its signature with the key the
topic's actor document publishes."""

from __future__ import annotations

from typing import Any

from django.test import Client

from glaneur.curation.models import Topic
from glaneur.federation.signatures import verify_request
from tests.federation.remote import Received, RemoteServer


def actor_document(client: Client, topic: Topic) -> dict[str, Any]:
    response = client.get(topic.get_absolute_url(), HTTP_ACCEPT="application/activity+json")
    document: dict[str, Any] = response.json()
    return document


def verify_delivery(
    client: Client,
    topic: Topic,
    remote: RemoteServer,
    got: Received,
    actor: dict[str, Any] | None = None,
) -> str:
    """``actor``: the document the remote fetched earlier (it keeps the key it had)."""
    key = (actor or actor_document(client, topic))["publicKey"]

    def keys(key_id: str, refresh: bool) -> str:
        assert key_id == key["id"]
        return str(key["publicKeyPem"])

    return verify_request("POST", remote.url(got.path), got.headers, got.body, keys)
