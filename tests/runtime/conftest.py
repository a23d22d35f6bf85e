"""The loopback page server of the ingest tests, for scoops run by real workers here."""

from tests.ingest.conftest import fixture_server, fixture_server_process

__all__ = ["fixture_server", "fixture_server_process"]
