"""Federation tests: Glaneur answers as http://testserver; remote servers run on loopback
(allow-listed for the SSRF-safe fetcher, as the ingest tests do)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.federation.remote import RemoteServer


@pytest.fixture(autouse=True)
def base_url(settings: Any) -> None:
    settings.GLANEUR_BASE_URL = "http://testserver"


@pytest.fixture
def remote(settings: Any) -> Iterator[RemoteServer]:
    server = RemoteServer()
    settings.GLANEUR_FETCH_ALLOW = [server.netloc]
    yield server
    server.close()
