"""Shared fixtures; builders live in tests/factories.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from tests.factories import make_topic, make_user


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    """Each test starts with an empty cache (fragments, rate limits)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def curator(db: Any) -> Any:
    return make_user("curator", first_name="Cap Métiers NA")


@pytest.fixture
def topic(curator: Any) -> Any:
    return make_topic(curator, title="Initiatives locales et paroles d'acteurs")
