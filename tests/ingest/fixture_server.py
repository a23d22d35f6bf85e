"""Real servers on loopback for the fetcher's tests: fixture pages, and a silent listener.

``FixtureServer`` serves the pages of ``tests/fixtures/http/`` and generated ones (a PNG, a
PDF, 6 MiB of HTML, a page or its headers dripped byte by byte, redirects, errors) on
127.0.0.1 (or ::1, optionally over TLS) with a random port, and records every request.
``SilentListener`` accepts TCP connections and serves nothing: it proves that a refused URL
never connected.
"""

from __future__ import annotations

import contextlib
import select
import shutil
import socket
import ssl
import struct
import subprocess
import threading
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "http"
HTML = "text/html; charset=utf-8"
DRIP_INTERVAL = 0.5  # seconds between two bytes of /slow.html
BIG_SIZE = 6 * 1024 * 1024


def tiny_png() -> bytes:
    """A valid 1×1 red PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1×1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\x00\x00")  # filter byte, then one red pixel
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


PDF_TITLE = "Rapport 2024 de l'observatoire régional de l'emploi"
PDF_TEXT = "Emploi des jeunes en Nouvelle-Aquitaine : chiffres clés"


def tiny_pdf() -> bytes:
    """A valid one-page PDF with a title (Info dictionary) and one line of text."""

    def pdf_string(text: str) -> bytes:  # UTF-16BE with BOM: any accent survives
        return b"<" + ("\ufeff" + text).encode("utf-16-be").hex().upper().encode() + b">"

    stream = b"BT /F1 14 Tf 72 720 Td (" + PDF_TEXT.encode("latin-1") + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Title " + pdf_string(PDF_TITLE) + b" /Producer (Glaneur tests) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


GATE_TIMEOUT = 60  # seconds a gated page waits at most for its test to open it


@dataclass
class Gate:
    """A page held back: ``arrived`` is set when a request for it comes in, and the answer
    leaves only once the test sets ``opened`` (a fetch caught in the middle)."""

    arrived: threading.Event = field(default_factory=threading.Event)
    opened: threading.Event = field(default_factory=threading.Event)


@dataclass
class ReceivedRequest:
    path: str  # with its query string
    headers: dict[str, str]  # lower-case names


def _builtin_routes() -> dict[str, Route]:
    def page(name: str, content_type: str = HTML) -> Route:
        return Route(body=(FIXTURES / name).read_bytes(), headers={"Content-Type": content_type})

    return {
        "/article.html": page("article.html"),
        "/no-title.html": page("no-title.html"),
        "/latin1.html": page("latin1.html", "text/html"),  # no charset, none in the page
        "/image.png": Route(body=tiny_png(), headers={"Content-Type": "image/png"}),
        "/doc.pdf": Route(body=tiny_pdf(), headers={"Content-Type": "application/pdf"}),
        "/missing": Route(404, b"<h1>Page introuvable</h1>", {"Content-Type": HTML}),
        "/error": Route(500, b"<h1>Erreur interne</h1>", {"Content-Type": HTML}),
        "/challenge.html": Route(
            403,
            (FIXTURES / "challenge.html").read_bytes(),
            {"Content-Type": HTML, "Server": "cloudflare", "Cache-Control": "no-store"},
        ),
        "/rate-limited": Route(
            429, b"Too many requests", {"Content-Type": "text/plain", "Retry-After": "7"}
        ),
    }


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        fixture = self.server.fixture
        fixture.record(ReceivedRequest(self.path, {k.lower(): v for k, v in self.headers.items()}))
        url = urlsplit(self.path)
        # The client going away (a refused size, a deadline) is the point of some routes.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._dispatch(fixture, url.path, parse_qs(url.query))

    def _dispatch(self, fixture: FixtureServer, path: str, query: dict[str, list[str]]) -> None:
        route = fixture.route(path)
        gate = fixture.gate_of(path)
        if gate is not None:
            gate.arrived.set()
            gate.opened.wait(GATE_TIMEOUT)
        if route is not None:
            self._send(route.status, route.headers, route.body)
        elif path == "/slow.html":
            self._drip(fixture.stopping)
        elif path == "/slow-headers.html":  # the headers themselves never end
            self.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nX-Drip: ")
            self._drip(fixture.stopping, headers=False)
        elif path == "/big.html":  # no Content-Length: only a streamed cap stops it
            self._send_headers(200, {"Content-Type": HTML})
            line = b"<p>" + b"Glaneur " * 127 + b"</p>\n"
            self.wfile.write(b"<!DOCTYPE html><html><head><title>Gros</title></head><body>\n")
            for _ in range(BIG_SIZE // len(line) + 1):
                self.wfile.write(line)
        elif path.startswith("/redirect/") and path.removeprefix("/redirect/").isdigit():
            hops = int(path.removeprefix("/redirect/"))
            # Relative references on purpose: the client must resolve them.
            self._send(302, {"Location": str(hops - 1) if hops > 1 else "/article.html"}, b"")
        elif path == "/redirect-to" and "url" in query:
            self._send(302, {"Location": query["url"][0]}, b"")
        else:
            self._send(404, {"Content-Type": "text/plain"}, b"not a fixture route")

    def _send_headers(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self._send_headers(status, {"Content-Length": str(len(body)), **headers})
        self.wfile.write(body)

    def _drip(self, stopping: threading.Event, *, headers: bool = True) -> None:
        if headers:
            self._send_headers(200, {"Content-Type": HTML})
        while not stopping.is_set():
            self.wfile.write(b" ")
            self.wfile.flush()
            stopping.wait(DRIP_INTERVAL)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the recorded requests say it better than stderr noise


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fixture: FixtureServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hangs up mid-response is expected here


class _Server6(_Server):
    address_family = socket.AF_INET6


class FixtureServer:
    """A threaded HTTP server on loopback, usable as a context manager."""

    def __init__(self, host: str = "127.0.0.1", tls: ssl.SSLContext | None = None) -> None:
        self.host = host
        self.scheme = "https" if tls else "http"
        self.server_names: list[str | None] = []  # TLS SNI of each handshake
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._received: list[ReceivedRequest] = []
        self._routes = _builtin_routes()
        self._extra: dict[str, Route] = {}
        self._gates: dict[str, Gate] = {}
        server_class = _Server6 if ":" in host else _Server
        self._httpd = server_class((host, 0), _Handler)
        self._httpd.fixture = self
        if tls is not None:
            tls.sni_callback = lambda _sock, name, _context: self.server_names.append(name)
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> FixtureServer:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def netloc(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.scheme}://{self.netloc}{path}"

    def add_route(
        self, path: str, status: int = 200, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> None:
        """Serve ``body`` at ``path`` (until ``reset``); Content-Length is added."""
        with self._lock:
            self._extra[path] = Route(status, body, dict(headers or {"Content-Type": HTML}))

    def gate(self, path: str) -> Gate:
        """Hold every answer for ``path`` until the returned gate is opened (until ``reset``)."""
        with self._lock:
            gate = self._gates[path] = Gate()
            return gate

    def gate_of(self, path: str) -> Gate | None:
        with self._lock:
            return self._gates.get(path)

    def route(self, path: str) -> Route | None:
        with self._lock:
            return self._extra.get(path) or self._routes.get(path)

    def record(self, request: ReceivedRequest) -> None:
        with self._lock:
            self._received.append(request)

    @property
    def received(self) -> list[ReceivedRequest]:
        with self._lock:
            return list(self._received)

    @property
    def requests(self) -> list[str]:
        """The paths (with query) of the requests received so far, in order."""
        return [request.path for request in self.received]

    def reset(self) -> None:
        """Forget received requests and routes added at run time."""
        with self._lock:
            self._received.clear()
            self._extra.clear()
            for gate in self._gates.values():
                gate.opened.set()
            self._gates.clear()


class SilentListener:
    """TCP listeners on 127.0.0.1 and (when available) ::1, on one port, that never answer.

    The kernel completes a TCP handshake before ``accept``, so ``connections()`` drains the
    backlog: any connection attempt that succeeded is counted, with no timing guesswork.
    """

    def __init__(self) -> None:
        self._sockets: list[socket.socket] = []
        self.accepted = 0
        for _attempt in range(20):
            v4 = socket.create_server(("127.0.0.1", 0))
            try:
                v6 = socket.create_server(("::1", v4.getsockname()[1]), family=socket.AF_INET6)
            except OSError:  # port taken on ::1, or no IPv6: try another port, then give up
                if not socket.has_ipv6 or _attempt == 19:
                    self._sockets = [v4]
                    break
                v4.close()
                continue
            self._sockets = [v4, v6]
            break
        self.port: int = self._sockets[0].getsockname()[1]
        self.ipv6 = len(self._sockets) == 2

    def connections(self) -> int:
        """How many connections were ever accepted on this port."""
        while True:
            ready, _, _ = select.select(self._sockets, [], [], 0)
            if not ready:
                return self.accepted
            for listener in ready:
                connection, _ = listener.accept()
                connection.close()
                self.accepted += 1

    def close(self) -> None:
        for listener in self._sockets:
            listener.close()


@dataclass
class Certificates:
    authority: Path  # the test CA's certificate (PEM), to trust
    certificate: Path  # the server's, for DNS name "localhost" only (no IP address)
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.certificate, self.key)
        return context


def make_certificates(directory: Path) -> Certificates:
    """A throw-away CA and a server certificate for ``localhost``, made with openssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise RuntimeError("openssl is not installed")
    ca, ca_key = directory / "ca.pem", directory / "ca.key"
    cert, key, csr = directory / "server.pem", directory / "server.key", directory / "server.csr"
    extensions = directory / "server.ext"
    extensions.write_text(
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
    )
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    for command in (
        [
            *("req", "-x509", *ec, "-keyout", ca_key, "-out", ca, "-days", "2"),
            *("-subj", "/CN=Glaneur test CA", "-addext", "basicConstraints=critical,CA:TRUE"),
            *("-addext", "keyUsage=critical,keyCertSign,cRLSign"),
        ],
        ["req", *ec, "-keyout", key, "-out", csr, "-subj", "/CN=localhost"],
        [
            *("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial"),
            *("-out", cert, "-days", "2", "-extfile", extensions),
        ],
    ):
        subprocess.run([openssl, *map(str, command)], check=True, capture_output=True)
    return Certificates(ca, cert, key)
