"""Loopback servers for the ingest tests: fixture pages (allow-listed) and a silent listener."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.ingest.fixture_server import FixtureServer, SilentListener


@pytest.fixture(scope="session")
def fixture_server_process() -> Iterator[FixtureServer]:
    """One server for the session; use ``fixture_server``, which also allow-lists it."""
    with FixtureServer() as server:
        yield server


@pytest.fixture
def fixture_server(fixture_server_process: FixtureServer, settings: Any) -> Iterator[FixtureServer]:
    """The fixture page server, allow-listed for this test, with no request recorded yet.

    ``.url(path)``, ``.requests`` (paths received), ``.received`` (paths and headers),
    ``.add_route(path, status, body, headers)`` for pages a test needs (removed afterwards).
    """
    fixture_server_process.reset()
    settings.GLANEUR_FETCH_ALLOW = [fixture_server_process.netloc]
    yield fixture_server_process
    fixture_server_process.reset()


@pytest.fixture
def silent_listener() -> Iterator[SilentListener]:
    """A loopback port (127.0.0.1 and ::1) that is not allow-listed; ``.connections()``."""
    listener = SilentListener()
    yield listener
    listener.close()
