"""A real HTTP server on 127.0.0.1 for poller tests: a route table that records requests.

Each route answers with a fixed status, headers and body (optionally gzip'd, delayed,
or dripped one byte at a time), or with a handler function. A route with an `etag` or
`last_modified` answers 304 to a request whose validators match, like a real server.
Every request is recorded (path and headers), so tests can assert on what went over
the wire.
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
        self._lock = threading.Lock()
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
                if route is None:
                    reply = Reply(404, b"not found")
                elif callable(route):
                    reply = route(seen)
                else:
                    reply = route
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._answer(seen, reply)

            def _answer(self, seen: Seen, reply: Reply) -> None:
                if reply.delay:
                    time.sleep(reply.delay)
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
