from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _locate_at_once(settings: Any) -> None:
    """The places step runs in the test process, after each commit, as the worker would."""
    settings.GLANEUR_LOCATE_IN_WORKER = False
