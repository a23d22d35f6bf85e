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

import ipaddress
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from django.conf import settings
from django.utils.translation import gettext
from requests_hardened import Config, HTTPSession
from requests_hardened.ip_filter import InvalidIPAddress, filter_host

from glaneur.ingest.challenge import detect_challenge
from glaneur.ingest.connections import (
    PinnedAdapter,
    Watchdog,
    current_watchdog,
    is_allow_listed,
    refuse_if_blocked,
    resolve_within,
)
from glaneur.ingest.fetch_errors import FetchError, from_transport_error, http_error, timeout_error

DEFAULT_ACCEPT = ("text/html", "application/xhtml+xml", "application/pdf")
DEFAULT_PORTS = {"http": 80, "https": 443}
_CHUNK = 16 * 1024
_CHALLENGE_STATUSES = frozenset({403, 429, 503})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


# sign(method, url, body) -> the headers that sign that request (see ``fetch``).
Signer = Callable[[str, str, bytes | None], Mapping[str, str]]


@dataclass
class FetchResult:
    url: str  # final URL after redirects
    status: int  # 2xx, or 403/429/503 for a bot-check page (see ingest.challenge)
    content_type: str  # lower-case media type without parameters, e.g. "text/html"
    charset: str | None  # from the Content-Type header, if any
    body: bytes
    headers: dict[str, str]  # response headers (lower-case names)
    redirects: list[str] = field(default_factory=list)  # the URLs visited before the final one


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


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise timeout_error()
    return left


def fetch(
    url: str,
    *,
    accept: Sequence[str] = DEFAULT_ACCEPT,
    max_bytes: int | None = None,
    timeout: float | None = None,
    max_redirects: int | None = None,
    headers: Mapping[str, str] | None = None,
    method: str = "GET",
    data: bytes | None = None,
    sign: Signer | None = None,
) -> FetchResult:
    """GET ``url`` under the rules of this module; raise FetchError on any refusal.

    ``headers``: extra request headers, e.g. a conditional GET's ``If-None-Match`` /
    ``If-Modified-Since``; the answer is then a FetchResult with status 304 and no body when
    the server says nothing changed.

    ``method="POST"`` with ``data`` sends a body (redirects are then refused, and any answer
    of any type is read); ``sign(method, url, body)`` returns the headers that
    sign one request (ActivityPub's HTTP signatures), called again for each hop."""
    seconds = float(settings.GLANEUR_FETCH_TIMEOUT if timeout is None else timeout)
    one = _Fetch(
        accept=[media.lower() for media in accept],
        max_bytes=settings.GLANEUR_FETCH_MAX_BYTES if max_bytes is None else max_bytes,
        max_redirects=settings.GLANEUR_FETCH_MAX_REDIRECTS
        if max_redirects is None
        else max_redirects,
        seconds=seconds,
        extra_headers=dict(headers or {}),
        method=method,
        data=data,
        sign=sign,
    )
    with Watchdog(seconds) as one.watchdog:
        token = current_watchdog.set(one.watchdog)
        try:
            return one.follow(url)
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            raise from_transport_error(exc, deadline_passed=one.watchdog.fired) from exc
        finally:
            current_watchdog.reset(token)
            one.session.close()


class _Fetch:
    """One fetch: its limits, its deadline (redirects included), its session."""

    watchdog: Watchdog

    def __init__(
        self,
        accept: list[str],
        max_bytes: int,
        max_redirects: int,
        seconds: float,
        extra_headers: dict[str, str] | None = None,
        method: str = "GET",
        data: bytes | None = None,
        sign: Signer | None = None,
    ):
        self.method, self.data, self.sign = method, data, sign
        self.accept = accept
        self.extra_headers = extra_headers or {}
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.deadline = time.monotonic() + seconds
        config = Config(
            ip_filter_enable=False,  # PinnedAdapter replaces it: it pins the checked address
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
            addresses = resolve_within(target.host, target.port, _remaining(self.deadline))
            with self.open(target, addresses) as response:
                location = self.session.get_redirect_target(response)
                if location is None:
                    return self.read(response, target, visited)
                if self.method != "GET":
                    raise http_error(response)  # a body is never re-sent elsewhere
                if len(visited) >= self.max_redirects:
                    reason = gettext(
                        "The page redirects more than %(count)d times; Glaneur stopped."
                    )
                    raise FetchError("too_many_redirects", reason % {"count": self.max_redirects})
                visited.append(target.url)
                url = urljoin(target.url, location)

    def open(self, target: _Target, addresses: list[str]) -> requests.Response:
        """Send the request to the first checked address that accepts a connection."""
        allow_listed = is_allow_listed(target.host, target.port)
        headers = {"Accept": ", ".join(self.accept), "Accept-Language": "fr, en;q=0.8"}
        headers.update(self.extra_headers)
        if self.sign is not None:
            headers.update(self.sign(self.method, target.url, self.data))
        for position, address in enumerate(addresses):
            if not allow_listed:  # second opinion: requests-hardened's filter, on the pinned IP
                try:
                    filter_host(address, target.port, allow_loopback=False)
                except InvalidIPAddress:
                    refuse_if_blocked(ipaddress.ip_address(address), target.host)
                    raise FetchError("blocked_address", gettext("Address refused.")) from None
            self.session.mount(f"{target.scheme}://", PinnedAdapter(target.host, address))
            left = _remaining(self.deadline)
            try:
                return self.session.request(
                    self.method,
                    target.url,
                    headers=headers,
                    data=self.data,
                    stream=True,
                    timeout=(left, left),
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
        conditional = any(
            name.lower() in ("if-none-match", "if-modified-since") for name in self.extra_headers
        )
        if status == 304 and conditional:
            body = b""  # not modified since the copy the caller holds
        elif not 200 <= status < 300:
            # A bot check comes back as a page, for extract to recognise and word: the post
            # is then blocked (with a hint to use the bookmarklet), not failed nor retried.
            if status not in _CHALLENGE_STATUSES or content_type not in _HTML_TYPES:
                raise http_error(response)
            body = self.body(response)
            if detect_challenge(body.decode(charset or "utf-8", "replace"), status=status) is None:
                raise http_error(response)
        elif content_type not in self.accept and self.method == "GET":
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
            raise timeout_error()
        return bytes(body)


def _charset(params: str) -> str | None:
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip("\"'"):
            return value.strip().strip("\"'").lower()
    return None
