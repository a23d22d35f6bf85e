"""Fixtures of the analytics tests: requests as a reader's browser sends them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.http import HttpRequest
from django.test import RequestFactory

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture
def reader_request() -> Callable[..., HttpRequest]:
    """Build a request; a desktop Firefox unless told another User-Agent or method."""

    def build(user_agent: str = FIREFOX, method: str = "get") -> HttpRequest:
        factory = RequestFactory()
        return getattr(factory, method)("/topic/x/", HTTP_USER_AGENT=user_agent)

    return build
