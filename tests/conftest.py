"""Shared fixtures; builders live in tests/factories.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from glaneur.cache import fragment_cache
from tests.factories import make_topic, make_user


@pytest.fixture(autouse=True)
def _empty_cache(request: pytest.FixtureRequest) -> Any:
    """Each test starts with empty caches: page fragments (memory of this process), and rate
    limits (the shared cache: a database table, emptied only by tests that use the database).
    """
    shared = "_django_db_helper" in request.fixturenames or request.node.get_closest_marker(
        "django_db"
    )
    if shared:
        request.getfixturevalue("_django_db_helper")
        cache.clear()
    fragment_cache.clear()
    yield
    if shared:
        cache.clear()
    fragment_cache.clear()


@pytest.fixture
def curator(db: Any) -> Any:
    return make_user("curator", first_name="Cap Métiers NA")


@pytest.fixture
def topic(curator: Any) -> Any:
    return make_topic(curator, title="Initiatives locales et paroles d'acteurs")
