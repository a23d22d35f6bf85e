"""The bookmarklet's page-copy endpoint takes anyone's POST: what it stores is limited per
client address (copies and bytes per hour) and in total (bytes waiting for a curator).
The limit per address across web processes: tests/audience/test_rate_limits.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from glaneur.ingest.captures import attach_capture
from glaneur.ingest.models import PageCapture
from tests.factories import make_posts

pytestmark = pytest.mark.django_db


def capture(client: Client, html: str, *, address: str = "192.0.2.10") -> Any:
    return client.post(
        "/scoop/capture/",
        {"url": "https://example.org/page", "title": "Page", "html": html},
        REMOTE_ADDR=address,
    )


def test_copies_per_address_and_hour_are_limited(client: Client, settings: Any) -> None:
    settings.GLANEUR_CAPTURE_RATE = 2
    assert [capture(client, "<p>a</p>").status_code for _ in range(2)] == [303, 303]

    refused = capture(client, "<p>a</p>")

    assert refused.status_code == 429
    assert 'class="site-header"' in refused.content.decode()  # a page, in the site's frame
    assert "Trop de copies de pages depuis votre connexion" in refused.content.decode()
    assert capture(client, "<p>a</p>", address="192.0.2.11").status_code == 303
    assert PageCapture.objects.count() == 3


def test_bytes_per_address_and_hour_are_limited(client: Client, settings: Any) -> None:
    settings.GLANEUR_CAPTURE_ADDRESS_MAX_BYTES = 1000
    assert capture(client, "x" * 600).status_code == 303

    assert capture(client, "x" * 600).status_code == 429
    assert PageCapture.objects.count() == 1


def test_the_bytes_waiting_for_a_curator_are_capped(
    client: Client, settings: Any, topic: Any
) -> None:
    settings.GLANEUR_CAPTURE_STORE_MAX_BYTES = 1000
    assert capture(client, "é" * 400, address="192.0.2.1").status_code == 303  # 800 bytes

    full = capture(client, "x" * 300, address="192.0.2.2")

    assert full.status_code == 413
    assert "trop de copies de pages en attente" in full.content.decode()
    # A copy a curator claimed belongs to its post: it no longer counts.
    attach_capture(make_posts(topic, 1)[0].pk, PageCapture.objects.get().token)
    assert capture(client, "x" * 300, address="192.0.2.2").status_code == 303


def test_a_page_larger_than_the_upload_limit_is_refused_with_413(
    client: Client, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    refused = capture(client, "x" * 2000)

    assert refused.status_code == 413
    assert not PageCapture.objects.exists()
