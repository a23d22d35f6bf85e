"""The safe fetcher against real servers on loopback: pages, limits, redirects, refusals."""

from __future__ import annotations

import email.utils
import io
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests.adapters
from django.utils import translation

from glaneur.ingest.connections import resolve_and_check
from glaneur.ingest.fetch import FetchResult, fetch
from glaneur.ingest.fetch_errors import FetchError
from tests.ingest.fixture_server import (
    FIXTURES,
    PDF_TEXT,
    PDF_TITLE,
    Certificates,
    FixtureServer,
    SilentListener,
    make_certificates,
    tiny_png,
)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def fetch_error(url: str, **kwargs: Any) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch(url, **kwargs)
    return caught.value


# Pages ---------------------------------------------------------------------------------


def test_article_comes_back_with_type_charset_headers_and_final_url(
    fixture_server: FixtureServer,
) -> None:
    result = fetch(fixture_server.url("/article.html"))
    assert isinstance(result, FetchResult)
    assert result.status == 200
    assert result.url == fixture_server.url("/article.html")
    assert result.content_type == "text/html"
    assert result.charset == "utf-8"
    assert result.body == (FIXTURES / "article.html").read_bytes()
    assert result.headers["content-type"] == "text/html; charset=utf-8"
    assert result.redirects == []
    assert fixture_server.requests == ["/article.html"]


def test_request_is_polite_and_names_the_host_it_asked_for(
    fixture_server: FixtureServer, settings: Any
) -> None:
    settings.GLANEUR_USER_AGENT = "Glaneur-test/1.0 (+https://glaneur.example/bot)"
    fetch(fixture_server.url("/article.html"))
    [request] = fixture_server.received
    assert request.headers["user-agent"] == "Glaneur-test/1.0 (+https://glaneur.example/bot)"
    assert request.headers["accept-language"].startswith("fr")
    assert "text/html" in request.headers["accept"]
    assert request.headers["host"] == fixture_server.netloc


def test_page_without_title_is_fetched(fixture_server: FixtureServer) -> None:
    result = fetch(fixture_server.url("/no-title.html"))
    assert result.status == 200
    assert b"<title>" not in result.body


def test_latin1_page_keeps_its_bytes_and_has_no_charset(fixture_server: FixtureServer) -> None:
    result = fetch(fixture_server.url("/latin1.html"))
    assert result.content_type == "text/html"
    assert result.charset is None
    assert "Hélène".encode("iso-8859-1") in result.body


def test_pdf_is_accepted_and_arrives_whole(fixture_server: FixtureServer) -> None:
    result = fetch(fixture_server.url("/doc.pdf"))
    assert result.content_type == "application/pdf"
    assert result.body.startswith(b"%PDF-")
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(result.body))
    assert reader.metadata.title == PDF_TITLE
    assert PDF_TEXT in reader.pages[0].extract_text()


def test_image_is_refused_with_its_type_named(fixture_server: FixtureServer) -> None:
    error = fetch_error(fixture_server.url("/image.png"))
    assert error.code == "unsupported_type"
    assert "image/png" in error.reason
    assert not error.transient
    assert tiny_png().startswith(b"\x89PNG")


def test_accept_narrows_the_content_types(fixture_server: FixtureServer) -> None:
    error = fetch_error(fixture_server.url("/doc.pdf"), accept=("text/html",))
    assert error.code == "unsupported_type"


def test_routes_added_at_run_time_are_served(fixture_server: FixtureServer) -> None:
    fixture_server.add_route(
        "/feed.xhtml", body=b"<html/>", headers={"Content-Type": "Application/XHTML+XML"}
    )
    result = fetch(fixture_server.url("/feed.xhtml"))
    assert (result.content_type, result.body) == ("application/xhtml+xml", b"<html/>")


# HTTP errors ---------------------------------------------------------------------------


def test_missing_page_is_a_permanent_http_error(fixture_server: FixtureServer) -> None:
    error = fetch_error(fixture_server.url("/missing"))
    assert (error.code, error.status, error.transient) == ("http_error", 404, False)
    assert "404" in error.reason


def test_server_error_is_transient(fixture_server: FixtureServer) -> None:
    error = fetch_error(fixture_server.url("/error"))
    assert (error.code, error.status, error.transient) == ("http_error", 500, True)


def test_rate_limit_is_transient_with_retry_after_in_seconds(
    fixture_server: FixtureServer,
) -> None:
    error = fetch_error(fixture_server.url("/rate-limited"))
    assert (error.code, error.status, error.transient) == ("http_error", 429, True)
    assert error.retry_after == 7


def test_retry_after_may_be_an_http_date(fixture_server: FixtureServer) -> None:
    when = email.utils.formatdate(time.time() + 120, usegmt=True)
    fixture_server.add_route("/busy", 503, b"busy", {"Retry-After": when})
    error = fetch_error(fixture_server.url("/busy"))
    assert error.transient
    assert error.retry_after is not None
    assert 60 < error.retry_after <= 120


def test_challenge_page_comes_back_as_a_page_for_extract_to_recognise(
    fixture_server: FixtureServer,
) -> None:
    result = fetch(fixture_server.url("/challenge.html"))
    assert (result.status, result.content_type) == (403, "text/html")
    assert result.body == (FIXTURES / "challenge.html").read_bytes()


def test_503_challenge_is_a_page_too_not_a_retry(fixture_server: FixtureServer) -> None:
    body = (FIXTURES / "challenge.html").read_bytes()
    fixture_server.add_route("/checking", 503, body, {"Content-Type": "text/html"})
    assert fetch(fixture_server.url("/checking")).status == 503


def test_plain_403_is_a_permanent_http_error(fixture_server: FixtureServer) -> None:
    fixture_server.add_route("/forbidden", 403, "<h1>Réservé aux abonnés</h1>".encode())
    error = fetch_error(fixture_server.url("/forbidden"))
    assert (error.code, error.status, error.transient) == ("http_error", 403, False)
    assert "bookmarklet" in error.reason


# Limits --------------------------------------------------------------------------------


def test_page_over_the_size_limit_is_cut_off(fixture_server: FixtureServer) -> None:
    error = fetch_error(fixture_server.url("/big.html"))  # streamed, no Content-Length
    assert error.code == "too_large"
    assert not error.transient


def test_declared_size_over_the_limit_is_refused_before_reading(
    fixture_server: FixtureServer,
) -> None:
    fixture_server.add_route("/declared.html", body=b"x" * 2048)
    assert fetch_error(fixture_server.url("/declared.html"), max_bytes=1024).code == "too_large"
    assert fetch(fixture_server.url("/declared.html"), max_bytes=2048).body == b"x" * 2048


def test_page_dripped_byte_by_byte_hits_the_total_deadline(
    fixture_server: FixtureServer, settings: Any
) -> None:
    settings.GLANEUR_FETCH_TIMEOUT = 2  # the server would drip forever
    error = fetch_error(fixture_server.url("/slow.html"))
    assert (error.code, error.transient) == ("timeout", True)


def test_headers_dripped_byte_by_byte_hit_the_total_deadline(
    fixture_server: FixtureServer, settings: Any
) -> None:
    settings.GLANEUR_FETCH_TIMEOUT = 2
    assert fetch_error(fixture_server.url("/slow-headers.html")).code == "timeout"


def test_server_that_accepts_and_never_answers_hits_the_deadline(
    silent_listener: SilentListener, settings: Any
) -> None:
    settings.GLANEUR_FETCH_ALLOW = [f"127.0.0.1:{silent_listener.port}"]
    error = fetch_error(f"http://127.0.0.1:{silent_listener.port}/", timeout=1)
    assert (error.code, error.transient) == ("timeout", True)


def test_closed_port_is_a_transient_connection_error(settings: Any) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]  # free once closed: nothing listens there any more
    settings.GLANEUR_FETCH_ALLOW = [f"127.0.0.1:{port}"]
    error = fetch_error(f"http://127.0.0.1:{port}/")
    assert (error.code, error.transient) == ("connection", True)


# Redirects -----------------------------------------------------------------------------


def test_redirect_chain_of_three_is_followed(fixture_server: FixtureServer) -> None:
    result = fetch(fixture_server.url("/redirect/3"))
    assert result.url == fixture_server.url("/article.html")
    assert result.redirects == [fixture_server.url(f"/redirect/{n}") for n in (3, 2, 1)]
    assert fixture_server.requests == ["/redirect/3", "/redirect/2", "/redirect/1", "/article.html"]


def test_five_redirects_are_allowed_and_six_refused(fixture_server: FixtureServer) -> None:
    assert fetch(fixture_server.url("/redirect/5")).status == 200
    fixture_server.reset()
    error = fetch_error(fixture_server.url("/redirect/6"))
    assert error.code == "too_many_redirects"
    assert "/article.html" not in fixture_server.requests
    assert len(fixture_server.requests) == 6


def test_redirect_to_a_loopback_port_not_allow_listed_never_connects(
    fixture_server: FixtureServer, silent_listener: SilentListener
) -> None:
    target = f"http://127.0.0.1:{silent_listener.port}/admin"
    error = fetch_error(fixture_server.url(f"/redirect-to?url={target}"))
    assert error.code == "blocked_address"
    assert silent_listener.connections() == 0
    assert fixture_server.requests == [f"/redirect-to?url={target}"]


@pytest.mark.parametrize(
    ("location", "code"),
    [("ftp://127.0.0.1/file", "bad_scheme"), ("file:///etc/passwd", "bad_scheme")],
)
def test_redirect_to_another_scheme_is_refused(
    fixture_server: FixtureServer, location: str, code: str
) -> None:
    assert fetch_error(fixture_server.url(f"/redirect-to?url={location}")).code == code


# Refusals before any connection --------------------------------------------------------

LOOPBACK_NOTATIONS = [
    "127.0.0.1",
    "localhost",
    "[::1]",
    "0.0.0.0",  # noqa: S104 (a host to refuse, not a bind)
    "2130706433",
    "0x7f000001",
    "0177.0.0.1",
    "127.1",
    "[::ffff:127.0.0.1]",
]


@pytest.mark.parametrize("host", LOOPBACK_NOTATIONS)
def test_loopback_in_any_notation_is_refused_before_connecting(
    host: str, silent_listener: SilentListener, settings: Any
) -> None:
    settings.GLANEUR_FETCH_ALLOW = []
    settings.GLANEUR_FETCH_TIMEOUT = 3  # a regression fails fast instead of hanging
    error = fetch_error(f"http://{host}:{silent_listener.port}/")
    assert error.code == "blocked_address"
    assert silent_listener.connections() == 0


def test_the_silent_listener_does_notice_a_connection(silent_listener: SilentListener) -> None:
    """The refusal tests above would prove nothing if the listener could not see one."""
    with socket.create_connection(("127.0.0.1", silent_listener.port)):
        pass
    if silent_listener.ipv6:
        with socket.create_connection(("::1", silent_listener.port)):
            pass
    assert silent_listener.connections() == (2 if silent_listener.ipv6 else 1)


def test_without_the_allow_list_the_fixture_server_is_refused(
    fixture_server: FixtureServer, settings: Any
) -> None:
    settings.GLANEUR_FETCH_ALLOW = []
    assert fetch_error(fixture_server.url("/article.html")).code == "blocked_address"
    assert fixture_server.requests == []


def test_the_allow_list_matches_the_host_as_written_and_the_port(
    fixture_server: FixtureServer,
) -> None:
    port = fixture_server.port
    for url in (f"http://localhost:{port}/article.html", f"http://127.1:{port}/article.html"):
        assert fetch_error(url).code == "blocked_address"
    assert fixture_server.requests == []


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://127.0.0.1/", "bad_scheme"),
        ("file:///etc/passwd", "bad_scheme"),
        ("javascript:alert(1)", "bad_scheme"),
        ("www.example.org/page", "bad_scheme"),
        ("http://user:pass@127.0.0.1:{port}/article.html", "bad_url"),
        ("http://user@127.0.0.1:{port}/article.html", "bad_url"),
        ("http:///article.html", "bad_url"),
        ("http://127.0.0.1:99999/", "bad_url"),
        ("http://[::1/", "bad_url"),
        ("http://256.0.0.1/", "bad_url"),
    ],
)
def test_malformed_or_foreign_urls_are_refused(
    url: str, code: str, fixture_server: FixtureServer
) -> None:
    assert fetch_error(url.format(port=fixture_server.port)).code == code
    assert fixture_server.requests == []


def test_the_checked_address_is_the_one_connected_to(
    fixture_server: FixtureServer, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the name is looked up once; a second lookup would fail here."""
    real_getaddrinfo = socket.getaddrinfo
    lookups: list[str] = []

    def rebinding_dns(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "rebind.test":
            lookups.append(host)
            if len(lookups) > 1:
                raise socket.gaierror(socket.EAI_NONAME, "second lookup")
            return real_getaddrinfo("127.0.0.1", *args, **kwargs)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_dns)
    settings.GLANEUR_FETCH_ALLOW = [f"rebind.test:{fixture_server.port}"]
    result = fetch(f"http://rebind.test:{fixture_server.port}/article.html")
    assert result.status == 200
    assert lookups == ["rebind.test"]
    assert fixture_server.received[0].headers["host"] == f"rebind.test:{fixture_server.port}"


def test_resolve_and_check_returns_addresses_only_when_allowed(
    fixture_server: FixtureServer,
) -> None:
    assert resolve_and_check("127.0.0.1", fixture_server.port) == ["127.0.0.1"]
    with pytest.raises(FetchError) as caught:
        resolve_and_check("localhost", fixture_server.port)
    assert caught.value.code == "blocked_address"
    assert "localhost" in caught.value.reason


def test_an_allow_listed_ipv6_loopback_server_is_reached_by_its_pinned_address(
    settings: Any,
) -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        server = FixtureServer("::1")
    except OSError:
        pytest.skip("no ::1 on this machine")
    with server:
        settings.GLANEUR_FETCH_ALLOW = [server.netloc]
        result = fetch(server.url("/redirect/1"))
        assert result.url == server.url("/article.html")
        assert server.received[0].headers["host"] == server.netloc


# HTTPS ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    try:
        return make_certificates(tmp_path_factory.mktemp("tls"))
    except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"cannot make test certificates: {exc}")


@pytest.fixture
def https_server(
    certificates: Certificates, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FixtureServer]:
    # Trust the test CA (requests verifies against this bundle path).
    monkeypatch.setattr(requests.adapters, "DEFAULT_CA_BUNDLE_PATH", str(certificates.authority))
    with FixtureServer(tls=certificates.server_context()) as server:
        yield server


def test_https_to_a_pinned_address_checks_the_certificate_against_the_host_name(
    https_server: FixtureServer, settings: Any
) -> None:
    settings.GLANEUR_FETCH_ALLOW = [f"localhost:{https_server.port}"]
    result = fetch(f"https://localhost:{https_server.port}/redirect/1")
    assert result.url == f"https://localhost:{https_server.port}/article.html"
    assert result.body == (FIXTURES / "article.html").read_bytes()
    assert https_server.server_names[-1] == "localhost"  # SNI: the name, not the pinned IP
    assert https_server.received[0].headers["host"] == f"localhost:{https_server.port}"


def test_https_certificate_that_does_not_name_the_host_is_refused(
    https_server: FixtureServer, settings: Any
) -> None:
    settings.GLANEUR_FETCH_ALLOW = [https_server.netloc]  # 127.0.0.1: not in the certificate
    error = fetch_error(https_server.url("/article.html"))
    assert (error.code, error.transient) == ("connection", False)
    assert https_server.requests == []


# Conditional requests (polling feeds) ------------------------------------------------------


def test_a_conditional_get_sends_its_validators_and_a_304_comes_back_empty(
    fixture_server: FixtureServer,
) -> None:
    fixture_server.add_route("/feed.xml", 304, b"", {"ETag": '"v1"'})
    validators = {"If-None-Match": '"v1"', "If-Modified-Since": "Wed, 02 Dec 2026 10:00:00 GMT"}
    result = fetch(
        fixture_server.url("/feed.xml"), accept=["application/rss+xml"], headers=validators
    )
    assert result.status == 304 and result.body == b"" and result.headers["etag"] == '"v1"'
    (sent,) = fixture_server.received
    assert sent.headers["if-none-match"] == '"v1"'
    assert sent.headers["if-modified-since"] == validators["If-Modified-Since"]


def test_a_304_to_a_request_that_asked_nothing_is_an_error(fixture_server: FixtureServer) -> None:
    fixture_server.add_route("/feed.xml", 304, b"", {"ETag": '"v1"'})
    error = fetch_error(fixture_server.url("/feed.xml"), accept=["application/rss+xml"])
    assert error.status == 304
