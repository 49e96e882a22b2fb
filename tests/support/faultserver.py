"""A raw-socket HTTP server on 127.0.0.1 that misbehaves on purpose.

http.server cannot lie about Content-Length, break chunked encoding, reset a
connection half-way, stall before the status line or send a megabyte of headers; this
server writes whatever bytes a route's behaviour says. Each request line is recorded,
and the server counts the requests in flight (from the request line to the end of its
behaviour, which for a stall is when the client hangs up) with their peak: tests assert
that fetches overlapped on that count, never on wall time.
A route is a function `(conn, request) -> None` that owns the connection.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

Behaviour = Callable[[socket.socket, "Request"], None]


@dataclass
class Request:
    """One request as received: its path and raw header block."""

    path: str
    head: bytes
    at: float


class FaultServer:
    """Accepts connections on 127.0.0.1:0 and hands each request to its route."""

    def __init__(self) -> None:
        self.routes: dict[str, Behaviour] = {}
        self.requests: list[Request] = []
        self.in_flight = 0  # requests whose behaviour is still running
        self.peak_in_flight = 0  # the most at one moment
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._sock = socket.create_server(("127.0.0.1", 0), backlog=128)
        self._sock.settimeout(0.1)
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        """The absolute URL of `path` here."""
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, behaviour: Behaviour) -> str:
        """Set how `path` answers; returns its URL."""
        self.routes[path] = behaviour
        return self.url(path)

    def paths(self) -> list[str]:
        """The paths requested so far, in order."""
        with self._lock:
            return [r.path for r in self.requests]

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError), conn:
            conn.settimeout(30)
            head = b""
            while b"\r\n\r\n" not in head and len(head) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                head += chunk
            line = head.split(b"\r\n", 1)[0].decode("latin-1")
            parts = line.split(" ")
            path = parts[1] if len(parts) > 1 else "?"
            request = Request(path, head, time.time())
            with self._lock:
                self.requests.append(request)
                self.in_flight += 1
                self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            try:
                behaviour = self.routes.get(path, not_found)
                behaviour(conn, request)
            finally:
                with self._lock:
                    self.in_flight -= 1

    def close(self) -> None:
        """Stop accepting (handler threads are daemons; stalled ones die with the run)."""
        self._stop.set()
        self._sock.close()
        self._thread.join(2)


# --------------------------------------------------------------------------- behaviours


def response(
    status: str = "200 OK", headers: list[tuple[str, str]] | None = None, body: bytes = b""
) -> bytes:
    """A raw HTTP/1.1 response (Content-Length added unless a header says otherwise).

    It says `Connection: close` (every behaviour closes after answering): a client must
    not reuse the connection, or its next request would race the close.
    """
    headers = list(headers or [])
    names = {name.lower() for name, _ in headers}
    if "connection" not in names:
        headers.append(("Connection", "close"))
    if "content-length" not in names and "transfer-encoding" not in names:
        headers.append(("Content-Length", str(len(body))))
    lines = [f"HTTP/1.1 {status}"] + [f"{name}: {value}" for name, value in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def not_found(conn: socket.socket, request: Request) -> None:
    """A plain 404."""
    conn.sendall(response("404 Not Found", body=b"no"))


def send(data: bytes) -> Behaviour:
    """Send these exact bytes, then close."""

    def behaviour(conn: socket.socket, request: Request) -> None:
        conn.sendall(data)

    return behaviour


def send_then_stall(data: bytes, stall_s: float = 60.0) -> Behaviour:
    """Send these bytes, then hold the connection open saying nothing (until the client
    hangs up, or `stall_s`)."""

    def behaviour(conn: socket.socket, request: Request) -> None:
        if data:
            conn.sendall(data)
        conn.settimeout(stall_s)
        with contextlib.suppress(TimeoutError):
            while conn.recv(4096):  # b"": the client closed the connection
                pass

    return behaviour


def drip(data: bytes, every_s: float = 0.2) -> Behaviour:
    """Send one byte at a time."""

    def behaviour(conn: socket.socket, request: Request) -> None:
        for byte in data:
            conn.sendall(bytes([byte]))
            time.sleep(every_s)

    return behaviour


def send_then_reset(data: bytes) -> Behaviour:
    """Send these bytes, then reset the connection (RST, not FIN)."""

    def behaviour(conn: socket.socket, request: Request) -> None:
        if data:
            conn.sendall(data)
            time.sleep(0.05)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    return behaviour


def endless(head: bytes, chunk: bytes = b"<item>" * 1000) -> Behaviour:
    """Send a header block, then body bytes for as long as the client reads."""

    def behaviour(conn: socket.socket, request: Request) -> None:
        conn.sendall(head)
        while True:
            conn.sendall(chunk)

    return behaviour


class Silent:
    """A listening socket that never accepts: connects succeed, nothing ever answers."""

    def __init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = self._sock.getsockname()[1]

    def url(self, path: str = "/feed") -> str:
        """A URL on this socket."""
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        """Stop listening."""
        self._sock.close()
