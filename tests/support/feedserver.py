"""A real HTTP server on 127.0.0.1 for poller tests: a route table that records requests.

Each route answers with a fixed status, headers and body (optionally gzip'd, delayed,
or dripped one byte at a time), or with a handler function. A route with an `etag` or
`last_modified` answers 304 to a request whose validators match, like a real server.
Every request is recorded (path and headers), so tests can assert on what went over
the wire. The server also counts requests in flight (received, not yet answered) and keeps
the peak: tests of concurrency limits assert on that count, never on wall time. A gate
(`hold_until`) holds every answer until that many requests are in flight at once, so a
test can prove overlap without depending on how fast a loaded machine runs.
"""

from __future__ import annotations

import contextlib
import gzip
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape


@dataclass
class Reply:
    """What a route answers."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    gzip: bool = False
    delay: float = 0.0  # seconds before the answer
    drip: float | None = None  # seconds between single body bytes


@dataclass
class Seen:
    """One recorded request."""

    path: str
    headers: dict[str, str]
    at: float


Handler = Callable[[Seen], Reply]


class FeedServer:
    """A ThreadingHTTPServer on 127.0.0.1:0 with a mutable route table."""

    def __init__(self) -> None:
        self.routes: dict[str, Reply | Handler] = {}
        self.requests: list[Seen] = []
        self.in_flight = 0  # requests received and not yet answered
        self.peak_in_flight = 0  # the most requests in flight at one moment
        self._lock = threading.Lock()
        self._gate_at: int | None = None
        self._gate = threading.Event()
        self._gate.set()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                seen = Seen(self.path, {k.lower(): v for k, v in self.headers.items()}, time.time())
                with server._lock:
                    server.requests.append(seen)
                    route = server.routes.get(self.path)
                    server._arrived()
                try:
                    if not server._gate.wait(server.gate_timeout_s):
                        server._gate.set()  # never reached: stop holding anyone
                    if route is None:
                        reply = Reply(404, b"not found")
                    elif callable(route):
                        reply = route(seen)
                    else:
                        reply = route
                    if reply.delay:
                        time.sleep(reply.delay)
                finally:
                    # Counted out before the first byte of the answer: a client can only
                    # start its next request after this one's answer, so the peak never
                    # counts a request that merely overlaps the end of an answered one.
                    with server._lock:
                        server.in_flight -= 1
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._answer(seen, reply)

            def _answer(self, seen: Seen, reply: Reply) -> None:
                status, body = reply.status, reply.body
                headers = dict(reply.headers)
                if reply.etag:
                    headers["ETag"] = reply.etag
                if reply.last_modified:
                    headers["Last-Modified"] = reply.last_modified
                not_modified = (reply.etag and seen.headers.get("if-none-match") == reply.etag) or (
                    reply.last_modified
                    and not reply.etag
                    and seen.headers.get("if-modified-since") == reply.last_modified
                )
                if status == 200 and not_modified:
                    status, body = 304, b""
                if reply.gzip and body:
                    body = gzip.compress(body)
                    headers["Content-Encoding"] = "gzip"
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if reply.drip is None:
                    self.wfile.write(body)
                    return
                for byte in body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(reply.drip)

        class _Server(ThreadingHTTPServer):
            request_queue_size = 256  # the default 5 drops bursts of connects (1 s SYN retry)
            daemon_threads = True

        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    gate_timeout_s = 30.0  # a gate that is never reached lets requests through after this

    def _arrived(self) -> None:
        """Count a request in (the lock is held); open the gate once enough are waiting."""
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        if self._gate_at is not None and self.in_flight >= self._gate_at:
            self._gate.set()

    def hold_until(self, in_flight: int) -> None:
        """Hold every answer until `in_flight` requests are waiting at once (then let all
        through, for good). If that never happens the gate opens after `gate_timeout_s`,
        and the test's assertion on `peak_in_flight` fails."""
        with self._lock:
            self._gate_at = in_flight
            self._gate.clear()

    def url(self, path: str) -> str:
        """The absolute URL of a path on this server."""
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, reply: Reply | Handler) -> str:
        """Set what `path` answers; returns its URL."""
        with self._lock:
            self.routes[path] = reply
        return self.url(path)

    def hits(self, path: str) -> list[Seen]:
        """The recorded requests for one path, in order."""
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def close(self) -> None:
        """Stop serving (dripping handler threads are daemons and die with the test run)."""
        self.httpd.shutdown()
        self.httpd.server_close()


def rss(
    items: list[tuple[str, str, str]],
    *,
    title: str = "Test feed",
    link: str = "https://example.org/",
    ttl: int | None = None,
) -> bytes:
    """A small RSS 2.0 document from (guid, title, description) triples.

    Each item's link is https://example.org/<guid>.
    """
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0"><channel>',
        f"<title>{escape(title)}</title><link>{escape(link)}</link>",
        "<description>test</description>",
    ]
    if ttl is not None:
        parts.append(f"<ttl>{ttl}</ttl>")
    for n, (guid, item_title, text) in enumerate(items):
        day = 1 + n % 28
        parts.append(
            f"<item><guid>{escape(guid)}</guid><title>{escape(item_title)}</title>"
            f"<link>https://example.org/{escape(guid)}</link>"
            f"<pubDate>Mon, {day:02d} Jun 2025 10:00:00 GMT</pubDate>"
            f"<description>{escape(text)}</description></item>"
        )
    parts.append("</channel></rss>")
    return "\n".join(parts).encode("utf-8")
