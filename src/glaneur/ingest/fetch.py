"""Fetch a page someone asked Glaneur to curate, without becoming an SSRF proxy.

Threat model: whoever submits a URL (curator, API client, imported feed) makes the server send
a request. An attacker aims it at what only the server reaches (loopback, the private network,
cloud metadata at 169.254.169.254) by writing the host in any notation, by a DNS name that
resolves there (or re-resolves there after the check: rebinding), or through a redirect; a
hostile server tries to tie up a worker with an endless body, a byte-by-byte drip, or a loop.

Defences: http(s) only, no credentials; every address the host resolves to must be globally
routable unicast (``ingest.addresses``); we connect to the checked address (pinned, no second
lookup) with the URL's host as Host header, SNI and certificate name, and requests-hardened's
filter re-checks it; redirects are followed by hand, each hop checked again; a watchdog shuts
the socket at the deadline of the whole fetch; the body is streamed under a size cap; only the
accepted content types come back. The one relaxation, ``settings.GLANEUR_FETCH_ALLOW``, lists
exact ``host:port`` pairs (host as written in the URL).
"""

from __future__ import annotations

import contextlib
import email.utils
import ipaddress
import math
import socket
import threading
import time
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from django.conf import settings
from django.utils.translation import gettext
from requests.adapters import DEFAULT_POOLBLOCK, HTTPAdapter
from requests.structures import CaseInsensitiveDict
from requests_hardened import Config, HTTPSession
from requests_hardened.ip_filter import InvalidIPAddress, filter_host
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from glaneur.ingest.addresses import IPAddress, lookup, parse_ip_literal, refusal
from glaneur.ingest.challenge import detect_challenge

DEFAULT_ACCEPT = ("text/html", "application/xhtml+xml", "application/pdf")
DEFAULT_PORTS = {"http": 80, "https": 443}
_CHUNK = 16 * 1024
_CHALLENGE_STATUSES = frozenset({403, 429, 503})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


@dataclass
class FetchResult:
    url: str  # final URL after redirects
    status: int  # 2xx, or 403/429/503 for a bot-check page (see ingest.challenge)
    content_type: str  # lower-case media type without parameters, e.g. "text/html"
    charset: str | None  # from the Content-Type header, if any
    body: bytes
    headers: dict[str, str]  # response headers (lower-case names)
    redirects: list[str] = field(default_factory=list)  # the URLs visited before the final one


class FetchError(Exception):
    """Why a fetch failed: ``code`` for programs, ``reason`` (translated) for curators."""

    def __init__(
        self,
        code: str,
        reason: str,
        *,
        transient: bool = False,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.transient = transient
        self.status = status
        self.retry_after = retry_after

    def __repr__(self) -> str:
        return f"FetchError({self.code!r}, {self.reason!r}, transient={self.transient})"


def check_address(ip: IPAddress) -> None:
    """Raise FetchError("blocked_address") unless ``ip`` is globally routable unicast."""
    _refuse_if_blocked(ip, host=None)


def _refuse_if_blocked(ip: IPAddress, host: str | None) -> None:
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


def _is_allow_listed(host: str, port: int) -> bool:
    written = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return any(entry.strip().lower() == written for entry in settings.GLANEUR_FETCH_ALLOW)


def resolve_and_check(host: str, port: int) -> list[str]:
    """Resolve ``host`` and return its addresses; refuse if any of them is not allowed."""
    return _resolve_and_check(host, port, float(settings.GLANEUR_FETCH_TIMEOUT))


def _resolve_and_check(host: str, port: int, timeout: float) -> list[str]:
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
        raise _timeout() from None
    except socket.gaierror as exc:
        transient = exc.errno == socket.EAI_AGAIN
        raise FetchError("dns", failed % {"host": host}, transient=transient) from exc
    except (UnicodeError, OSError) as exc:
        raise FetchError("dns", failed % {"host": host}) from exc
    if not _is_allow_listed(host, port):
        for ip in addresses:
            _refuse_if_blocked(ip, host)
    return [str(ip) for ip in addresses]


class _Watchdog:
    """Shuts the fetch's sockets down at its deadline: a server that drips one byte at a
    time never trips a per-read timeout, but a shut socket ends any blocked read."""

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
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


_current_watchdog: ContextVar[_Watchdog | None] = ContextVar("glaneur_watchdog", default=None)


def _watched(sock: socket.socket) -> socket.socket:
    watchdog = _current_watchdog.get()
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


class _PinnedAdapter(HTTPAdapter):
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


@dataclass
class _Target:
    url: str  # as requests prepared it (IDNA host, quoted path)
    scheme: str
    host: str
    port: int


def _parse_target(url: str) -> _Target:
    invalid = gettext("“%(url)s” is not a valid web address.") % {"url": url}
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        raise FetchError("bad_url", invalid) from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        reason = gettext("Only web addresses (http:// or https://) can be fetched, not “%(url)s”.")
        raise FetchError("bad_scheme", reason % {"url": url})
    if parts.username is not None or parts.password is not None:
        reason = gettext("Addresses with a user name or password (user:pass@…) are refused.")
        raise FetchError("bad_url", reason)
    try:
        prepared = requests.Request("GET", url.strip()).prepare().url or ""
        parsed = urlsplit(prepared)
        host, port = parsed.hostname, parsed.port or DEFAULT_PORTS[scheme]
    except (requests.RequestException, ValueError, UnicodeError):
        raise FetchError("bad_url", invalid) from None
    if not host:
        raise FetchError("bad_url", invalid)
    return _Target(prepared, scheme, host, port)


def _timeout() -> FetchError:
    reason = gettext("The site took too long to send the page.")
    return FetchError("timeout", reason, transient=True)


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _timeout()
    return left


def fetch(
    url: str,
    *,
    accept: Sequence[str] = DEFAULT_ACCEPT,
    max_bytes: int | None = None,
    timeout: float | None = None,
    max_redirects: int | None = None,
) -> FetchResult:
    """GET ``url`` under the rules of this module; raise FetchError on any refusal."""
    seconds = float(settings.GLANEUR_FETCH_TIMEOUT if timeout is None else timeout)
    one = _Fetch(
        accept=[media.lower() for media in accept],
        max_bytes=settings.GLANEUR_FETCH_MAX_BYTES if max_bytes is None else max_bytes,
        max_redirects=settings.GLANEUR_FETCH_MAX_REDIRECTS
        if max_redirects is None
        else max_redirects,
        seconds=seconds,
    )
    with _Watchdog(seconds) as one.watchdog:
        token = _current_watchdog.set(one.watchdog)
        try:
            return one.follow(url)
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            raise _from_transport_error(exc, one.watchdog) from exc
        finally:
            _current_watchdog.reset(token)
            one.session.close()


class _Fetch:
    """One fetch: its limits, its deadline (redirects included), its session."""

    watchdog: _Watchdog

    def __init__(self, accept: list[str], max_bytes: int, max_redirects: int, seconds: float):
        self.accept = accept
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.deadline = time.monotonic() + seconds
        config = Config(
            ip_filter_enable=False,  # _PinnedAdapter replaces it: it pins the checked address
            ip_filter_allow_loopback_ips=False,
            never_redirect=True,
            default_timeout=(seconds, seconds),
            user_agent_override=settings.GLANEUR_USER_AGENT,
        )
        self.session = HTTPSession(config)
        self.session.trust_env = False  # an environment proxy would connect for us, unchecked

    def follow(self, url: str) -> FetchResult:
        visited: list[str] = []
        while True:
            target = _parse_target(url)
            addresses = _resolve_and_check(target.host, target.port, _remaining(self.deadline))
            with self.open(target, addresses) as response:
                location = self.session.get_redirect_target(response)
                if location is None:
                    return self.read(response, target, visited)
                if len(visited) >= self.max_redirects:
                    reason = gettext(
                        "The page redirects more than %(count)d times; Glaneur stopped."
                    )
                    raise FetchError("too_many_redirects", reason % {"count": self.max_redirects})
                visited.append(target.url)
                url = urljoin(target.url, location)

    def open(self, target: _Target, addresses: list[str]) -> requests.Response:
        """Send the request to the first checked address that accepts a connection."""
        allow_listed = _is_allow_listed(target.host, target.port)
        headers = {"Accept": ", ".join(self.accept), "Accept-Language": "fr, en;q=0.8"}
        for position, address in enumerate(addresses):
            if not allow_listed:  # second opinion: requests-hardened's filter, on the pinned IP
                try:
                    filter_host(address, target.port, allow_loopback=False)
                except InvalidIPAddress:
                    _refuse_if_blocked(ipaddress.ip_address(address), target.host)
                    raise FetchError("blocked_address", gettext("Address refused.")) from None
            self.session.mount(f"{target.scheme}://", _PinnedAdapter(target.host, address))
            left = _remaining(self.deadline)
            try:
                return self.session.get(
                    target.url, headers=headers, stream=True, timeout=(left, left)
                )
            except requests.ConnectionError as exc:
                cause = getattr(exc.args[0] if exc.args else None, "reason", None)
                never_connected = isinstance(exc, requests.ConnectTimeout) or isinstance(
                    cause, urllib3.exceptions.NewConnectionError
                )
                if not never_connected or position == len(addresses) - 1:
                    raise
        raise AssertionError("unreachable: addresses is never empty")

    def read(self, response: requests.Response, target: _Target, visited: list[str]) -> FetchResult:
        status = response.status_code
        media, _, params = response.headers.get("Content-Type", "").partition(";")
        content_type, charset = media.strip().lower(), _charset(params)
        if not 200 <= status < 300:
            # A bot check comes back as a page, for extract to recognise and word: the post
            # is then blocked (with a hint to use the bookmarklet), not failed nor retried.
            if status not in _CHALLENGE_STATUSES or content_type not in _HTML_TYPES:
                raise _http_error(response)
            body = self.body(response)
            if detect_challenge(body.decode(charset or "utf-8", "replace"), status=status) is None:
                raise _http_error(response)
        elif content_type not in self.accept:
            reason = gettext(
                "The address leads to a file of type “%(type)s”, not to a web page or a PDF: "
                "Glaneur can only curate pages and documents."
            )
            raise FetchError("unsupported_type", reason % {"type": content_type or "?"})
        else:
            body = self.body(response)
        return FetchResult(
            url=target.url,
            status=status,
            content_type=content_type,
            charset=charset,
            body=body,
            headers={name.lower(): value for name, value in response.headers.items()},
            redirects=visited,
        )

    def body(self, response: requests.Response) -> bytes:
        """The body, streamed under the size cap and the deadline."""
        too_large = FetchError(
            "too_large",
            gettext("The page is larger than %(size)s MB; Glaneur stopped reading it.")
            % {"size": f"{self.max_bytes / 1024 / 1024:.3g}"},
        )
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise too_large
        body = bytearray()
        for chunk in response.iter_content(_CHUNK):
            body += chunk
            if len(body) > self.max_bytes:
                raise too_large
            _remaining(self.deadline)
        if self.watchdog.fired:  # a shut socket ends an unsized body as if it were complete
            raise _timeout()
        return bytes(body)


def _charset(params: str) -> str | None:
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip("\"'"):
            return value.strip().strip("\"'").lower()
    return None


def _http_error(response: requests.Response) -> FetchError:
    status = response.status_code
    transient = status == 429 or status >= 500
    if status == 429:
        reason = gettext("The site asks Glaneur to slow down (HTTP 429).")
    elif transient:
        reason = gettext("The site could not serve the page for now (HTTP %(status)s).")
    elif status in (404, 410):
        reason = gettext("The page does not exist (HTTP %(status)s): check the address.")
    elif status in (401, 403):
        reason = gettext(
            "The site refused access to the page (HTTP %(status)s); if you can read it in "
            "your browser, scoop it with the bookmarklet."
        )
    else:
        reason = gettext("The site answered HTTP %(status)s instead of the page.")
    retry_after = _retry_after(response.headers.get("Retry-After")) if transient else None
    return FetchError(
        "http_error",
        reason % {"status": status},
        transient=transient,
        status=status,
        retry_after=retry_after,
    )


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait, from a Retry-After header in seconds or as an HTTP date."""
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value.strip())
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    return max(0.0, seconds) if math.isfinite(seconds) else None


def _from_transport_error(exc: Exception, watchdog: _Watchdog) -> FetchError:
    if watchdog.fired or isinstance(exc, requests.Timeout | TimeoutError):
        return _timeout()
    if isinstance(exc, requests.exceptions.SSLError):
        reason = gettext("The site's secure connection (TLS certificate) could not be verified.")
        return FetchError("connection", reason)
    reason = gettext("Glaneur could not connect to the site, or the connection broke.")
    return FetchError("connection", reason, transient=True)
