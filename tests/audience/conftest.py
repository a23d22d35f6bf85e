"""Fixtures of the audience tests: the loopback SMTP server, readers with a confirmed
address (tests/conftest.py empties the cache rate limits count in)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.audience.helpers import make_reader
from tests.audience.mailserver import smtp  # noqa: F401 - the fixture, shared with e2e


@pytest.fixture
def base_url(settings: Any) -> str:
    settings.GLANEUR_BASE_URL = "http://testserver"
    return "http://testserver"


@pytest.fixture
def reader(db: Any) -> Any:
    return make_reader("lea")
