"""Where a fetch may connect, and the sockets it opens there.

Every address a host resolves to must be globally routable unicast (``ingest.addresses``)
unless its exact ``host:port`` is in ``settings.GLANEUR_FETCH_ALLOW``; the request goes to
the checked address (pinned: no second lookup, so no DNS rebinding) with the URL's host as
Host header, SNI and certificate name; a watchdog shuts the fetch's sockets at its deadline.
The rules as a whole are in ``ingest.fetch``.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils.translation import gettext
from requests.adapters import DEFAULT_POOLBLOCK, HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from glaneur.ingest.addresses import IPAddress, lookup, parse_ip_literal, refusal
from glaneur.ingest.fetch_errors import FetchError, timeout_error


def check_address(ip: IPAddress) -> None:
    """Raise FetchError("blocked_address") unless ``ip`` is globally routable unicast."""
    refuse_if_blocked(ip, host=None)


def refuse_if_blocked(ip: IPAddress, host: str | None) -> None:
    label = refusal(ip)
    if label is None:
        return
    values = {"host": host, "address": ip, "kind": gettext(label)}
    if host is None or host == str(ip):
        reason = gettext(
            "Glaneur refuses to fetch from %(address)s: it is not a public address (%(kind)s)."
        )
    else:
        reason = gettext(
            "Glaneur refuses to fetch from %(host)s: it leads to %(address)s, which is not a "
            "public address (%(kind)s)."
        )
    raise FetchError("blocked_address", reason % values)


def is_allow_listed(host: str, port: int) -> bool:
    written = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return any(entry.strip().lower() == written for entry in settings.GLANEUR_FETCH_ALLOW)


def resolve_and_check(host: str, port: int) -> list[str]:
    """Resolve ``host`` and return its addresses; refuse if any of them is not allowed."""
    return resolve_within(host, port, float(settings.GLANEUR_FETCH_TIMEOUT))


def resolve_within(host: str, port: int, timeout: float) -> list[str]:
    """As `resolve_and_check`, the lookup bounded by what is left of a fetch's time."""
    host = host.strip("[]").lower()
    try:
        literal = parse_ip_literal(host)
    except ValueError:
        raise FetchError(
            "bad_url", gettext("%(host)s is not a valid host name or address.") % {"host": host}
        ) from None
    failed = gettext("The name %(host)s could not be found (DNS): check the address.")
    try:
        addresses = [literal] if literal is not None else lookup(host, port, timeout)
    except TimeoutError:
        raise timeout_error() from None
    except socket.gaierror as exc:
        transient = exc.errno == socket.EAI_AGAIN
        raise FetchError("dns", failed % {"host": host}, transient=transient) from exc
    except (UnicodeError, OSError) as exc:
        raise FetchError("dns", failed % {"host": host}) from exc
    if not is_allow_listed(host, port):
        for ip in addresses:
            refuse_if_blocked(ip, host)
    return [str(ip) for ip in addresses]


class Watchdog:
    """Shuts the fetch's sockets down at its deadline: a server that drips one byte at a
    time never trips a per-read timeout, but a shut socket ends any blocked read."""

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def __enter__(self) -> Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.fired:
                _shutdown(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for sock in self._sockets:
                _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed
        sock.shutdown(socket.SHUT_RDWR)


current_watchdog: ContextVar[Watchdog | None] = ContextVar("glaneur_watchdog", default=None)


def _watched(sock: socket.socket) -> socket.socket:
    watchdog = current_watchdog.get()
    if watchdog is not None:
        watchdog.watch(sock)
    return sock


class _WatchedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _watched(super()._new_conn())


class _WatchedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _watched(super()._new_conn())


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class PinnedAdapter(HTTPAdapter):
    """Connects to the checked address; the URL's host stays the Host header, the SNI and
    the certificate name. As requests-hardened's IPFilterAdapter, minus its own DNS lookup
    (a second lookup could answer differently: DNS rebinding)."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(max_retries=0)
        self._host = host
        self._address = address

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = DEFAULT_POOLBLOCK, **kwargs: Any
    ) -> None:
        super().init_poolmanager(connections, maxsize, block, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _WatchedHTTPPool,
            "https": _WatchedHTTPSPool,
        }

    def build_connection_pool_key_attributes(
        self, request: requests.PreparedRequest, verify: Any, cert: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert
        )
        if host_params["host"] != self._host:  # never send a request to another host's address
            raise FetchError("bad_url", gettext("The address changed while being fetched."))
        netloc = urlsplit(request.url or "").netloc
        request.headers = CaseInsensitiveDict(request.headers)
        request.headers["Host"] = netloc
        if host_params["scheme"] == "https":
            pool_kwargs["assert_hostname"] = self._host
            pool_kwargs["server_hostname"] = self._host
        host_params["host"] = self._address
        return host_params, pool_kwargs
