"""A deterministic feed farm on 127.0.0.1, run as its own process (it stops by itself).

    uv run python -m tests.bench.farm --feeds 100 --latency-ms 50 --lifetime 900

Serves N feeds, RSS 2.0 and Atom mixed (every third feed is Atom), 20-100 items each
with 1-6 KB HTML bodies (about 280 KB a feed on average); one feed in `BACK_CATALOGUE_EVERY`
carries 500-700 items of back catalogue instead. Dates are realistic: a feed spans from a
day to two years (log-uniform), its items minutes to days apart (exponential gaps), the
newest within a day of `BASE_TIME`. Every feed is a pure function of (seed, feed number,
version), so two runs serve the same bytes.

The feeds are spread over `--ports` listening sockets on 127.0.0.1 (feed n on port
number n % ports), as real feeds are spread over many hosts: a reader's per-host limit
then applies per port, as it would per publisher.

Each response waits `latency` first. Responses carry an ETag and a Last-Modified; a
request whose If-None-Match (or, without it, If-Modified-Since) matches is answered
304. A request accepting gzip gets the pre-compressed body.

Control routes (on any port): `GET /_bump` makes every tenth feed (n % 10 == 0) gain
new items (version + 1); `GET /_reset` goes back to version 0; `GET /_latency?ms=50`
changes the latency; `GET /_stats` returns JSON counters. The process prints
`{"ports": [...], "feeds": N, "bytes": ...}` as one JSON line once it serves, and exits
after `--lifetime` seconds or when its parent dies.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import json
import math
import os
import random
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

NEW_ITEMS_ON_BUMP = 5
BACK_CATALOGUE_EVERY = 25  # feed n carries 500-700 items when n % 25 == 7
MIN_SPAN_DAYS, MAX_SPAN_DAYS = 1.0, 730.0
CHANGED_EVERY = 10  # feed n changes on a bump when n % CHANGED_EVERY == 0
BASE_TIME = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)

# Words for realistic bodies: the classifier finds themes and actors in them.
DOMAIN = [
    "export",
    "controls",
    "on",
    "advanced",
    "semiconductors",
    "Nvidia",
    "H20",
    "chips",
    "China",
    "United",
    "States",
    "Commerce",
    "Department",
    "entity",
    "list",
    "TSMC",
    "Taiwan",
    "ASML",
    "lithography",
    "Huawei",
    "Ascend",
    "SMIC",
    "open-weight",
    "models",
    "DeepSeek",
    "Qwen",
    "Llama",
    "Mistral",
    "open",
    "source",
    "AI",
    "safety",
    "institute",
    "frontier",
    "models",
    "compute",
    "data",
    "centres",
    "Gulf",
    "sovereign",
    "AI",
    "European",
    "Union",
    "AI",
    "Act",
    "regulation",
    "governance",
    "OpenAI",
    "Anthropic",
    "Google",
    "DeepMind",
    "Microsoft",
    "talent",
    "visas",
    "researchers",
    "defence",
    "Pentagon",
    "autonomous",
    "weapons",
    "censorship",
    "information",
    "control",
    "markets",
    "investors",
    "valuations",
    "stock",
    "GPUs",
    "supply",
    "chain",
    "rare",
    "earths",
    "sanctions",
    "tariffs",
]
COMMON = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "on",
    "with",
    "as",
    "by",
    "at",
    "from",
    "this",
    "it",
    "be",
    "are",
    "was",
    "has",
    "have",
    "said",
    "new",
    "year",
    "more",
    "will",
    "which",
    "about",
    "their",
    "its",
    "also",
    "than",
    "after",
    "into",
    "over",
    "policy",
    "analysis",
    "report",
    "officials",
    "government",
    "market",
    "industry",
    "week",
    "people",
    "plan",
    "could",
    "would",
    "while",
    "since",
    "because",
    "under",
    "against",
    "between",
    "across",
    "during",
    "including",
    "according",
]


def _words(rng: random.Random, count: int) -> str:
    out = []
    for _ in range(count):
        out.append(rng.choice(DOMAIN) if rng.random() < 0.18 else rng.choice(COMMON))
    return " ".join(out)


def _body(rng: random.Random, size: int) -> str:
    """An HTML body of about `size` characters: paragraphs, links, emphasis, a list."""
    parts: list[str] = []
    length = 0
    while length < size:
        kind = rng.random()
        if kind < 0.12:
            items = "".join(f"<li>{_words(rng, rng.randint(4, 10))}</li>" for _ in range(3))
            chunk = f"<ul>{items}</ul>"
        else:
            text = _words(rng, rng.randint(25, 70))
            words = text.split(" ")
            if len(words) > 8:
                k = rng.randrange(1, len(words) - 4)
                link = f"https://example.org/{rng.randrange(10**6)}"
                words[k] = f'<a href="{link}">{words[k]}</a>'
                words[k + 2] = f"<b>{words[k + 2]}</b>"
            chunk = "<p>" + " ".join(words) + "</p>"
        parts.append(chunk)
        length += len(chunk)
    return "\n".join(parts)


@functools.lru_cache(maxsize=4096)
def _base_dates(seed: int, feed: int) -> tuple[datetime, ...]:
    """The dates of a feed's version-0 items, oldest first: exponential gaps scaled so
    the feed spans `MIN_SPAN_DAYS`..`MAX_SPAN_DAYS` (log-uniform), newest within a day
    of `BASE_TIME` (gaps range from seconds to days, as in real feeds)."""
    rng = random.Random(seed * 31 + feed * 7_919)
    count = base_items(seed, feed)
    span = math.exp(rng.uniform(math.log(MIN_SPAN_DAYS), math.log(MAX_SPAN_DAYS)))
    gaps = [rng.expovariate(1.0) for _ in range(count - 1)]
    scale = span * 86_400 / (sum(gaps) or 1.0)
    newest = BASE_TIME - timedelta(seconds=rng.uniform(0, 86_400))
    dates = [newest]
    for gap in gaps:
        dates.append(dates[-1] - timedelta(seconds=gap * scale))
    return tuple(reversed(dates))


def _item(seed: int, feed: int, number: int) -> tuple[str, str, str, datetime, str]:
    """(guid, title, link, published, html) of one item: a pure function of its numbers.
    Items past the version-0 ones (a bump's) come 20 minutes apart after `BASE_TIME`."""
    rng = random.Random(seed * 1_000_003 + feed * 10_007 + number)
    size = rng.randint(1_100, 6_300)
    title = _words(rng, rng.randint(6, 12)).capitalize()
    guid = f"https://farm.example/{feed}/items/{number}"
    dates = _base_dates(seed, feed)
    if number < len(dates):
        published = dates[number].replace(microsecond=0)
    else:
        extra = number - len(dates) + 1
        published = BASE_TIME + timedelta(minutes=20 * extra + feed % 60)
    return guid, title, guid, published, _body(rng, size)


def base_items(seed: int, feed: int) -> int:
    """How many items feed `feed` has at version 0 (20-100; 500-700 for a back catalogue)."""
    rng = random.Random(seed * 7 + feed)
    if feed % BACK_CATALOGUE_EVERY == 7:
        return rng.randint(500, 700)
    return rng.randint(20, 100)


def item_count(seed: int, feed: int, version: int) -> int:
    """Items of feed `feed` at `version` (changed feeds gain NEW_ITEMS_ON_BUMP a bump)."""
    extra = version * NEW_ITEMS_ON_BUMP if feed % CHANGED_EVERY == 0 else 0
    return base_items(seed, feed) + extra


def render_feed(seed: int, feed: int, version: int) -> bytes:
    """The document of one feed at one version: Atom for every third feed, else RSS 2.0."""
    count = item_count(seed, feed, version)
    items = [_item(seed, feed, n) for n in reversed(range(count))]  # newest first
    updated = max(item[3] for item in items)
    if feed % 3 == 2:
        parts = [
            '<?xml version="1.0" encoding="utf-8"?>',
            '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
            f"<title>Farm feed {feed}</title>",
            f'<link rel="alternate" href="https://farm.example/{feed}/"/>',
            f"<id>https://farm.example/{feed}/</id>",
            f"<updated>{updated.isoformat()}</updated>",
        ]
        for guid, title, link, published, html in items:
            parts.append(
                f"<entry><id>{guid}</id><title>{escape(title)}</title>"
                f'<link rel="alternate" href="{link}"/>'
                f"<published>{published.isoformat()}</published>"
                f"<updated>{published.isoformat()}</updated>"
                f"<author><name>Author {feed % 17}</name></author>"
                f'<content type="html">{escape(html)}</content></entry>'
            )
        parts.append("</feed>")
    else:
        parts = [
            '<?xml version="1.0" encoding="utf-8"?>',
            '<rss version="2.0"><channel>',
            f"<title>Farm feed {feed}</title><link>https://farm.example/{feed}/</link>",
            "<description>A benchmark feed</description><language>en</language>",
        ]
        for guid, title, link, published, html in items:
            parts.append(
                f"<item><guid>{guid}</guid><title>{escape(title)}</title>"
                f"<link>{link}</link><pubDate>{format_datetime(published, usegmt=True)}"
                f"</pubDate><author>author{feed % 17}@farm.example (Author {feed % 17})</author>"
                f"<description>{escape(html)}</description></item>"
            )
        parts.append("</channel></rss>")
    return "\n".join(parts).encode("utf-8")


class Farm:
    """The feeds and their current state, shared by every listening socket."""

    def __init__(self, feeds: int, seed: int, latency_s: float) -> None:
        self.feeds = feeds
        self.seed = seed
        self.latency_s = latency_s
        self.version = 0
        self.lock = threading.Lock()
        self.stats = {"requests": 0, "full": 0, "not_modified": 0, "gzip": 0, "bytes": 0}
        self._cache: dict[tuple[int, int], tuple[bytes, bytes, str, str]] = {}
        for feed in range(feeds):
            self._entry(feed, 0)

    def _entry(self, feed: int, version: int) -> tuple[bytes, bytes, str, str]:
        key = (feed, version if feed % CHANGED_EVERY == 0 else 0)
        found = self._cache.get(key)
        if found is None:
            body = render_feed(self.seed, feed, key[1])
            modified = format_datetime(BASE_TIME + timedelta(days=key[1]), usegmt=True)
            found = (body, gzip.compress(body, 6), f'"{feed}-{key[1]}"', modified)
            self._cache[key] = found
        return found

    def current(self, feed: int) -> tuple[bytes, bytes, str, str]:
        """(body, gzipped body, ETag, Last-Modified) of a feed now."""
        with self.lock:
            return self._entry(feed, self.version)

    def bump(self) -> None:
        """Every tenth feed gains new items."""
        with self.lock:
            self.version += 1
            for feed in range(0, self.feeds, CHANGED_EVERY):
                self._entry(feed, self.version)

    def reset(self) -> None:
        """Back to version 0 (bodies stay cached)."""
        with self.lock:
            self.version = 0


def make_handler(farm: Farm) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to one farm."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)

        def do_GET(self) -> None:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._get()

        def _get(self) -> None:
            parts = urlsplit(self.path)
            if parts.path.startswith("/_"):
                self._control(parts.path, parse_qs(parts.query))
                return
            name = parts.path.strip("/")
            if not (name.startswith("f") and name[1:].isdigit()) or int(name[1:]) >= farm.feeds:
                self._send(404, b"not found", {"Content-Type": "text/plain"})
                return
            if farm.latency_s:
                time.sleep(farm.latency_s)
            body, zipped, etag, modified = farm.current(int(name[1:]))
            headers = {
                "Content-Type": "application/xml; charset=utf-8",
                "ETag": etag,
                "Last-Modified": modified,
            }
            match = self.headers.get("If-None-Match")
            since = self.headers.get("If-Modified-Since")
            fresh = match == etag if match is not None else since == modified
            with farm.lock:
                farm.stats["requests"] += 1
            if fresh:
                with farm.lock:
                    farm.stats["not_modified"] += 1
                self._send(304, b"", {"ETag": etag, "Last-Modified": modified})
                return
            if "gzip" in (self.headers.get("Accept-Encoding") or ""):
                headers["Content-Encoding"] = "gzip"
                body = zipped
                with farm.lock:
                    farm.stats["gzip"] += 1
            with farm.lock:
                farm.stats["full"] += 1
                farm.stats["bytes"] += len(body)
            self._send(200, body, headers)

        def _control(self, path: str, query: dict[str, list[str]]) -> None:
            if path == "/_bump":
                farm.bump()
            elif path == "/_reset":
                farm.reset()
            elif path == "/_latency":
                farm.latency_s = float(query.get("ms", ["0"])[0]) / 1000
            elif path != "/_stats":
                self._send(404, b"unknown control", {"Content-Type": "text/plain"})
                return
            with farm.lock:
                state = dict(farm.stats, version=farm.version, latency_ms=farm.latency_s * 1000)
            self._send(200, json.dumps(state).encode(), {"Content-Type": "application/json"})

    return Handler


class _Server(ThreadingHTTPServer):
    request_queue_size = 512  # the default 5 drops bursts of connects (1 s SYN retry)
    daemon_threads = True


def serve(feeds: int, ports: int, latency_ms: float, seed: int, lifetime_s: float) -> None:
    """Serve until `lifetime_s` has passed or the parent process is gone."""
    farm = Farm(feeds, seed, latency_ms / 1000)
    handler = make_handler(farm)
    servers = [_Server(("127.0.0.1", 0), handler) for _ in range(max(1, ports))]
    for server in servers:
        threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True).start()
    size = sum(len(farm.current(n)[0]) for n in range(feeds))
    info = {"ports": [s.server_address[1] for s in servers], "feeds": feeds, "bytes": size}
    print(json.dumps(info), flush=True)
    parent = os.getppid()
    deadline = time.monotonic() + lifetime_s
    while time.monotonic() < deadline and os.getppid() == parent:
        time.sleep(0.5)
    for server in servers:
        server.shutdown()


def feed_urls(ports: list[int], feeds: int) -> list[str]:
    """The URL of every feed of a farm listening on `ports`."""
    return [f"http://127.0.0.1:{ports[n % len(ports)]}/f{n}" for n in range(feeds)]


def main(argv: list[str] | None = None) -> None:
    """Command line: serve a farm (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--ports", type=int, default=8)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lifetime", type=float, default=900.0, help="seconds, then exit")
    args = parser.parse_args(argv)
    serve(args.feeds, args.ports, args.latency_ms, args.seed, args.lifetime)


if __name__ == "__main__":
    sys.exit(main())
