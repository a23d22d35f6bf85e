"""A real feed server on loopback for the polling tests and bench/polling.py.

Feeds of every kind, generated: ``/rss2/<key>.xml``, ``/atom/<key>.xml``, ``/rss1/<key>.rdf``,
``/json/<key>.json`` (``?n=`` items, one every ``?every=`` hours, newest first; ``?ttl=``
minutes; ``?max_age=`` seconds of Cache-Control), each item under ``/articles/<key>/<i>``;
they answer 304 to a conditional GET that names their ETag or Last-Modified. Misbehaving
ones: ``/broken.xml`` (an error page), ``/truncated.xml``, ``/limited.xml`` (429,
Retry-After), ``/unavailable.xml`` (503, Retry-After), ``/error.xml`` (500), ``/slow.xml``
(drips a byte at a time), ``/huge.xml`` (50 MB with no Content-Length, streamed). Pages:
``/page-with-feed.html`` (autodiscovery), ``/page.html`` (article links only),
``/private/page.html`` (forbidden by ``/robots.txt``).

The server counts requests per path, records their headers, and the most requests it ever
served at once (``max_in_flight``; ``delay`` holds each feed answer that long, so that
concurrent polls overlap). ``python -m tests.sources.feedserver N`` serves N loopback
addresses (127.0.0.1, .2, …) for the bench and prints their ``host:port`` lines; ``/_stats``
answers each one's counters as JSON.
"""

from __future__ import annotations

import contextlib
import json
import random
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

import pytest

HUGE_SIZE = 50 * 1024 * 1024
DRIP_INTERVAL = 0.2
GATE_TIMEOUT = 60
# A fixed publication date, so that a feed's ETag and dates stay the same between polls.
LAST_MODIFIED = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
ROBOTS = b"User-agent: *\nDisallow: /private/\n"
# A feed cut off before its first item ends (a full disk, a crashed script).
TRUNCATED = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Coupe</title>'
    b"<item><title>Un article qui ne finit p"
)
BROKEN = (
    b"<?xml version='1.0' encoding='utf-8'?>\n<html><body><b>Fatal error</b>: "
    b"Allowed memory size exhausted in <b>/var/www/feed.php</b></body></html>"
)
TITLES = [
    "Un nouveau dispositif pour l'emploi des jeunes à {where}",
    "La mission locale de {where} ouvre un atelier numérique",
    "Formation : les entreprises de {where} recrutent des apprentis",
    "À {where}, un tiers-lieu accompagne les créateurs d'entreprise",
]
PLACES = ["Limoges", "Poitiers", "Bordeaux", "Pau", "La Rochelle", "Niort", "Agen", "Tulle"]
# Words that make every generated story distinct (no two are near-duplicates).
VOCABULARY = (  # noqa: SIM905 (a sentence of words reads better than a column)
    "apprentissage chantier numérique agriculture tourisme santé industrie artisanat "
    "commerce logistique bâtiment énergie forêt océan vigne élevage transport université "
    "lycée collège handicap insertion reconversion saisonnier boulangerie robotique "
    "hôpital crèche mobilité covoiturage vélo fibre atelier fablab coopérative "
    "association mairie département région quartier village montagne littoral campagne "
    "port gare marché festival musée théâtre bibliothèque sport piscine stade jardin "
    "recyclage eau climat solaire éolien bois papier textile chaussure cuir"
).split()


@dataclass(frozen=True)
class Entry:
    url: str
    title: str
    summary: str
    published: datetime


def entries(base: str, key: str, n: int, every: timedelta, now: datetime) -> list[Entry]:
    """``n`` entries of feed ``key``, newest first, one every ``every`` before ``now``."""
    return [
        Entry(
            url=f"{base}/articles/{key}/{i}",
            title=TITLES[i % len(TITLES)].format(where=PLACES[(i + len(key)) % len(PLACES)])
            + f" ({key}-{i})",
            summary=f"Résumé de l'article {i} de la source {key} : initiatives & acteurs. "
            + " ".join(random.Random(f"{key}-{i}").sample(VOCABULARY, 12)),
            published=now - every * i,
        )
        for i in range(n)
    ]


def rss2(title: str, items: list[Entry], ttl: int | None = None) -> bytes:
    body = "".join(
        f"<item><title>{escape(e.title)}</title><link>{escape(e.url)}</link>"
        f"<description>&lt;p&gt;{escape(e.summary)}&lt;/p&gt;</description>"
        f"<pubDate>{format_datetime(e.published, usegmt=True)}</pubDate>"
        f'<enclosure url="{escape(e.url)}.jpg" type="image/jpeg" length="1"/></item>'
        for e in items
    )
    extra = f"<ttl>{ttl}</ttl>" if ttl else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://example.org/</link>{extra}{body}"
        "</channel></rss>"
    ).encode()


def atom(title: str, items: list[Entry]) -> bytes:
    body = "".join(
        f'<entry><title>{escape(e.title)}</title><link rel="alternate" href="{escape(e.url)}"/>'
        f"<id>{escape(e.url)}</id><updated>{e.published.isoformat()}</updated>"
        f"<summary>{escape(e.summary)}</summary></entry>"
        for e in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:feed</id>"
        f"<updated>{LAST_MODIFIED.isoformat()}</updated>{body}</feed>"
    ).encode()


def rss1(title: str, items: list[Entry]) -> bytes:
    body = "".join(
        f'<item rdf:about="{escape(e.url)}"><title>{escape(e.title)}</title>'
        f"<link>{escape(e.url)}</link><description>{escape(e.summary)}</description>"
        f"<dc:date>{e.published.isoformat()}</dc:date></item>"
        for e in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<channel rdf:about="urn:feed"><title>{escape(title)}</title>'
        f"<link>http://example.org/</link><description>d</description></channel>{body}"
        "</rdf:RDF>"
    ).encode()


def json_feed(title: str, items: list[Entry]) -> bytes:
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": title,
            "items": [
                {
                    "id": e.url,
                    "url": e.url,
                    "title": e.title,
                    "summary": e.summary,
                    "image": e.url + ".jpg",
                    "date_published": e.published.isoformat(),
                }
                for e in items
            ],
        }
    ).encode()


FORMATS = {
    "rss2": (rss2, "application/rss+xml; charset=utf-8"),
    "atom": (atom, "application/atom+xml; charset=utf-8"),
    "rss1": (rss1, "application/rdf+xml; charset=utf-8"),
    "json": (json_feed, "application/feed+json"),
}


def page_with_feed(base: str) -> bytes:
    return (
        "<!DOCTYPE html><html><head><title>Le blog de l'observatoire</title>"
        '<link rel="alternate" type="application/rss+xml" title="Flux" '
        'href="/rss2/discovered.xml?n=5"></head>'
        f'<body><a href="{base}/articles/blog/1">Un article du blog de l\'observatoire</a>'
        "</body></html>"
    ).encode()


def plain_page(base: str) -> bytes:
    links = "".join(
        f'<li><a href="/actualites/{i}-article">Actualité numéro {i} de la région</a></li>'
        for i in range(6)
    )
    return (
        "<!DOCTYPE html><html><head><title>Actualités de la mission locale</title></head><body>"
        '<nav><a href="/">Accueil</a> <a href="/contact">Nous contacter ici vite</a> '
        '<a href="/tag/emploi/">Tous les articles emploi</a></nav>'
        f"<ul>{links}</ul>"
        '<a href="https://elsewhere.example/un/article">Un article sur un autre site</a>'
        f'<a href="{base}/actualites/0-article#haut">Actualité numéro 0 de la région</a>'
        "</body></html>"
    ).encode()


@dataclass
class Gate:
    """Answers for a path held back until ``opened``; ``arrived`` when one comes in."""

    arrived: threading.Event = field(default_factory=threading.Event)
    opened: threading.Event = field(default_factory=threading.Event)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        feeds = self.server.feeds
        url = urlsplit(self.path)
        if url.path == "/_stats":
            self._send(
                200, {"Content-Type": "application/json"}, json.dumps(feeds.stats()).encode()
            )
            return
        feeds.record(self.path, {k.lower(): v for k, v in self.headers.items()})
        with feeds.serving(), contextlib.suppress(BrokenPipeError, ConnectionResetError):
            gate = feeds.gates.get(url.path)
            if gate is not None:
                gate.arrived.set()
                gate.opened.wait(GATE_TIMEOUT)
            self._dispatch(feeds, url.path, {k: v[0] for k, v in parse_qs(url.query).items()})

    def _dispatch(self, feeds: FeedServer, path: str, query: dict[str, str]) -> None:
        base = feeds.base
        kind, _, rest = path.strip("/").partition("/")
        if kind in FORMATS and rest:
            if feeds.delay:
                time.sleep(feeds.delay)
            self._feed(feeds, kind, rest.rsplit(".", 1)[0], query)
        elif path == "/robots.txt":
            self._send(200, {"Content-Type": "text/plain"}, ROBOTS)
        elif path == "/page-with-feed.html":
            self._send(200, {"Content-Type": "text/html; charset=utf-8"}, page_with_feed(base))
        elif path in ("/page.html", "/private/page.html"):
            self._send(200, {"Content-Type": "text/html; charset=utf-8"}, plain_page(base))
        elif path == "/broken.xml":
            self._send(200, {"Content-Type": "application/rss+xml"}, BROKEN)
        elif path == "/truncated.xml":
            self._send(200, {"Content-Type": "application/rss+xml"}, TRUNCATED)
        elif path == "/limited.xml":
            self._send(429, {"Content-Type": "text/plain", "Retry-After": "120"}, b"slow down")
        elif path == "/unavailable.xml":
            later = format_datetime(datetime.now(UTC) + timedelta(hours=2), usegmt=True)
            self._send(503, {"Content-Type": "text/plain", "Retry-After": later}, b"busy")
        elif path == "/error.xml":
            self._send(500, {"Content-Type": "text/plain"}, b"internal error")
        elif path == "/slow.xml":
            self._headers(200, {"Content-Type": "application/rss+xml", "Connection": "close"})
            while not feeds.stopping.is_set():
                self.wfile.write(b" ")
                self.wfile.flush()
                feeds.stopping.wait(DRIP_INTERVAL)
        elif path == "/huge.xml":
            self._huge(feeds)
        else:
            self._send(404, {"Content-Type": "text/plain"}, b"no such feed")

    def _feed(self, feeds: FeedServer, kind: str, key: str, query: dict[str, str]) -> None:
        n = int(query.get("n", "20"))
        every = timedelta(hours=float(query.get("every", "6")))
        etag = f'"{kind}-{key}-{n}-{feeds.version}"'
        modified = format_datetime(LAST_MODIFIED, usegmt=True)
        headers = {"ETag": etag, "Last-Modified": modified}
        if "max_age" in query:
            headers["Cache-Control"] = f"max-age={query['max_age']}"
        if self.headers.get("If-None-Match") == etag or (
            self.headers.get("If-Modified-Since") == modified
            and not self.headers.get("If-None-Match")
        ):
            self._send(304, headers, b"")
            return
        render, content_type = FORMATS[kind]
        items = entries(feeds.base, key, n, every, feeds.now)
        title = f"Source {key}"
        if kind == "rss2":
            ttl = int(query["ttl"]) if "ttl" in query else None
            body = rss2(title, items, ttl)
        else:
            body = render(title, items)
        self._send(200, {"Content-Type": content_type, **headers}, body)

    def _huge(self, feeds: FeedServer) -> None:
        self._headers(200, {"Content-Type": "application/rss+xml", "Connection": "close"})
        item = b"<item><title>Encore</title><link>http://example.org/a</link></item>" * 100
        self.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel><title>Gros</title>')
        while feeds.huge_sent < HUGE_SIZE:
            self.wfile.write(item)
            with feeds.lock:
                feeds.huge_sent += len(item)

    def _headers(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self._headers(status, {"Content-Length": str(len(body)), **headers})
        if body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    feeds: FeedServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hangs up (a refused size, a deadline) is the point of some routes


class FeedServer:
    """One threaded feed server on a loopback address and a random port."""

    def __init__(self, host: str = "127.0.0.1", *, delay: float = 0.0) -> None:
        self.host = host
        self.delay = delay
        self.version = 1  # part of every ETag: bump it to make every feed "changed"
        self.now = datetime.now(UTC)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.gates: dict[str, Gate] = {}
        self.huge_sent = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self._received: list[tuple[str, dict[str, str]]] = []
        self._httpd = _Server((host, 0), _Handler)
        self._httpd.feeds = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def __enter__(self) -> FeedServer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self.stopping.set()
        for gate in self.gates.values():
            gate.opened.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    @property
    def netloc(self) -> str:
        return f"{self.host}:{self._httpd.server_address[1]}"

    @property
    def base(self) -> str:
        return f"http://{self.netloc}"

    def url(self, path: str) -> str:
        return self.base + path

    def gate(self, path: str) -> Gate:
        """Hold every answer for ``path`` until the returned gate is opened."""
        gate = self.gates[path] = Gate()
        return gate

    @contextlib.contextmanager
    def serving(self) -> Any:
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            yield
        finally:
            with self.lock:
                self.in_flight -= 1

    def record(self, path: str, headers: dict[str, str]) -> None:
        with self.lock:
            self._received.append((path, headers))

    @property
    def received(self) -> list[tuple[str, dict[str, str]]]:
        with self.lock:
            return list(self._received)

    def count(self, path: str) -> int:
        """Requests received for ``path`` (without its query string)."""
        return sum(1 for received, _ in self.received if received.split("?")[0] == path)

    def stats(self) -> dict[str, Any]:
        with self.lock:
            return {
                "requests": len(self._received),
                "max_in_flight": self.max_in_flight,
                "by_status": dict(Counter(path.split("/")[1] for path, _ in self._received)),
            }


def main(argv: list[str]) -> None:
    """Serve ``argv[0]`` loopback addresses (127.0.0.1, .2, …) until stdin closes."""
    count = int(argv[0]) if argv else 1
    delay = float(argv[1]) if len(argv) > 1 else 0.0
    servers = [FeedServer(f"127.0.0.{n + 1}", delay=delay) for n in range(count)]
    for server in servers:
        print(server.netloc, flush=True)
    sys.stdin.read()
    for server in servers:
        server.close()


@pytest.fixture
def feed_server(settings: Any) -> Iterator[FeedServer]:
    """A feed server for one test, allow-listed for the fetcher; robots.txt read afresh."""
    from glaneur.sources import robots

    robots.forget()
    with FeedServer() as server:
        settings.GLANEUR_FETCH_ALLOW = [server.netloc]
        yield server


if __name__ == "__main__":
    main(sys.argv[1:])
