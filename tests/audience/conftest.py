"""Fixtures of the audience tests: the loopback SMTP server, readers with a confirmed
address, and a clean cache (rate limits count in it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from tests.audience.helpers import make_reader
from tests.audience.mailserver import smtp  # noqa: F401 - the fixture, shared with e2e


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def base_url(settings: Any) -> str:
    settings.GLANEUR_BASE_URL = "http://testserver"
    return "http://testserver"


@pytest.fixture
def reader(db: Any) -> Any:
    return make_reader("lea")
