"""Shared fixtures; builders live in tests/factories.py."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import make_topic, make_user


@pytest.fixture
def curator(db: Any) -> Any:
    return make_user("curator", first_name="Cap Métiers NA")


@pytest.fixture
def topic(curator: Any) -> Any:
    return make_topic(curator, title="Initiatives locales et paroles d'acteurs")
