from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from glaneur.organisations import hosts

from .dns_server import TxtServer


@pytest.fixture(autouse=True)
def _fresh_hosts() -> Iterator[None]:
    """Each test starts without the verified hosts another test's (rolled back) rows left."""
    hosts.forget()
    yield
    hosts.forget()


@pytest.fixture
def dns_server(settings: Any) -> Iterator[TxtServer]:
    server = TxtServer()
    settings.GLANEUR_DNS_NAMESERVERS = [server.address]
    settings.GLANEUR_DNS_TIMEOUT = 2.0
    yield server
    server.close()
