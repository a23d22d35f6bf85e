"""The loopback feed server of the polling tests (tests/sources/feedserver.py)."""

from tests.sources.feedserver import feed_server

__all__ = ["feed_server"]
