"""Server faults: a loopback server misbehaving in every way, during one real refresh.

Every fault is a source of its own, next to good feeds on the same server and on a
well-behaved one. One refresh (a subprocess running the engine of `aigeo refresh`)
takes them all: it must finish within its deadline, the good feeds must be stored as
if nothing happened, each fault must end as a one-line error (or a 304-like outcome)
recorded on its source and in `fetches`, decompression bombs must not grow memory,
and no redirect may leave http(s) or 127.0.0.1.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from tests.support.farm import MIB, run_refresh
from tests.support.faultserver import (
    FaultServer,
    Silent,
    drip,
    endless,
    response,
    send,
    send_then_reset,
    send_then_stall,
)
from tests.support.feedserver import FeedServer, Reply, rss
from tui.feeds.fetch import parse_retry_after
from tui.feeds.poller import PollSettings
from tui.feeds.schedule import RETRY_AFTER_CEILING_S, parse_time
from tui.store import Store

pytestmark = pytest.mark.slow

FEED = rss([("f1", "A feed item", "Body text about chips " * 10)])
XML = [("Content-Type", "application/rss+xml")]
DEADLINE_S = 3.0


def bomb(megabytes: int, wbits: int) -> bytes:
    """Zeros compressed with zlib (wbits: 16+ gzip, + zlib, - raw deflate)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    block = bytes(1024 * 1024)
    return b"".join(packer.compress(block) for _ in range(megabytes)) + packer.flush()


@pytest.fixture
def faults() -> Iterator[FaultServer]:
    """A running FaultServer."""
    server = FaultServer()
    try:
        yield server
    finally:
        server.close()


def fault_routes(server: FaultServer, silent: Silent) -> dict[str, str]:
    """name → URL of every fault, plus good feeds on the same server."""
    ok = response(headers=XML, body=FEED)
    gz = bomb(200, 16 + zlib.MAX_WBITS)
    later = format_datetime(datetime.now(UTC) + timedelta(hours=2), usegmt=True)
    routes = {
        "good-1": send(ok),
        "good-2": send(ok),
        # slow and silent servers
        "drip": drip(ok, 0.3),
        "stall-before-status": send_then_stall(b""),
        "stall-in-headers": send_then_stall(b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n"),
        "stall-in-body": send_then_stall(ok[: len(ok) - len(FEED) // 2]),
        "slow-headers": drip(b"HTTP/1.1 200 OK\r\n" + b"X-Slow: y\r\n" * 200 + b"\r\n", 0.05),
        "endless-body": endless(b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n\r\n<rss>"),
        "continue-flood": endless(b"", b"HTTP/1.1 100 Continue\r\n\r\n"),
        # broken connections
        "close-at-once": send(b""),
        "reset-at-once": send_then_reset(b""),
        "reset-in-body": send_then_reset(ok[: len(ok) - 20]),
        "garbage-status": send(b"\x1b]0;title\x07 garbage garbage\r\n\r\n"),
        "http-0.9": send(FEED),
        "bad-status-code": send(b"HTTP/1.1 abc Nope\r\nContent-Length: 0\r\n\r\n"),
        # lying Content-Length
        "length-too-short": send(response(headers=[*XML, ("Content-Length", "40")], body=FEED)),
        "length-too-long": send(
            response(headers=[*XML, ("Content-Length", str(len(FEED) + 5000))], body=FEED)
        ),
        "length-huge": send_then_stall(
            response(headers=[*XML, ("Content-Length", "99999999999999")])
        ),
        "length-negative": send(response(headers=[("Content-Length", "-5")], body=FEED)),
        "length-garbage": send(response(headers=[("Content-Length", "12abc")], body=FEED)),
        "length-unicode-digit": send(b"HTTP/1.1 200 OK\r\nContent-Length: \xb2\r\n\r\n" + FEED),
        "length-conflicting": send(
            response(headers=[("Content-Length", "10"), ("Content-Length", "20")], body=FEED)
        ),
        # broken chunking
        "chunk-size-garbage": send(
            response(headers=[("Transfer-Encoding", "chunked")], body=b"zz\r\nabc\r\n0\r\n\r\n")
        ),
        "chunk-size-huge": send_then_stall(
            response(headers=[("Transfer-Encoding", "chunked")], body=b"ffffffffffffffff\r\nab")
        ),
        "chunk-no-end": send(
            response(headers=[("Transfer-Encoding", "chunked")], body=b"5\r\n<rss>\r\n")
        ),
        "chunk-and-length": send(
            response(
                headers=[("Transfer-Encoding", "chunked"), ("Content-Length", "3")],
                body=b"%x\r\n" % len(FEED) + FEED + b"\r\n0\r\n\r\n",
            )
        ),
        # decompression bombs and bad encodings
        "gzip-bomb": send(response(headers=[("Content-Encoding", "gzip")], body=gz)),
        "gzip-in-gzip-bomb": send(
            response(headers=[("Content-Encoding", "gzip, gzip")], body=gzip.compress(gz))
        ),
        "deflate-bomb": send(
            response(headers=[("Content-Encoding", "deflate")], body=bomb(200, zlib.MAX_WBITS))
        ),
        "raw-deflate-bomb": send(
            response(headers=[("Content-Encoding", "deflate")], body=bomb(200, -zlib.MAX_WBITS))
        ),
        "gzip-corrupt": send(
            response(headers=[("Content-Encoding", "gzip")], body=b"\x1f\x8b\x08\x00garbage")
        ),
        "encoding-unknown": send(response(headers=[("Content-Encoding", "br")], body=FEED)),
        # giant and hostile headers
        "giant-header": send(response(headers=[("X-Big", "a" * 1_000_000)], body=FEED)),
        "many-headers": send(
            response(headers=[(f"X-H{n}", "v") for n in range(20_000)], body=FEED)
        ),
        "header-escapes": send(
            response(
                headers=[*XML, ("ETag", '"\x1b]52;c;eA==\x07"'), ("Last-Modified", "\x9b2J")],
                body=FEED,
            )
        ),
        # redirects
        "redirect-loop-a": send(response("302 Found", [("Location", "/redirect-loop-b")])),
        "redirect-loop-b": send(response("302 Found", [("Location", "/redirect-loop-a")])),
        "redirect-self": send(response("301 Moved", [("Location", "/redirect-self")])),
        "redirect-chain-ok": send(response("301 Moved", [("Location", "/chain-2")])),
        "chain-2": send(response("307 Temporary", [("Location", "/chain-3")])),
        "chain-3": send(response("308 Permanent", [("Location", "/good-1")])),
        "redirect-chain-long": send(response("302 Found", [("Location", "/long-1")])),
        **{
            f"long-{n}": send(response("302 Found", [("Location", f"/long-{n + 1}")]))
            for n in range(1, 10)
        },
        "redirect-file": send(response("302 Found", [("Location", "file:///etc/passwd")])),
        "redirect-javascript": send(response("302 Found", [("Location", "javascript:alert(1)")])),
        "redirect-data": send(response("302 Found", [("Location", "data:text/xml,<rss/>")])),
        "redirect-ftp": send(response("301 Moved", [("Location", "ftp://127.0.0.1/feed")])),
        "redirect-invalid": send(response("302 Found", [("Location", "http://[::1")])),
        "redirect-empty": send(response("302 Found", [("Location", "")])),
        "redirect-escapes": send(
            response("302 Found", [("Location", "/\x1b]0;WINTITLE0MARK\x07")])
        ),
        "redirect-silent": send(response("302 Found", [("Location", silent.url())])),
        # Retry-After in every form
        "retry-seconds": send(response("429 Too Many", [("Retry-After", "120")])),
        "retry-date": send(response("503 Unavailable", [("Retry-After", later)])),
        "retry-past-date": send(
            response("503 Unavailable", [("Retry-After", "Mon, 01 Jan 2001 00:00:00 GMT")])
        ),
        "retry-garbage": send(response("429 Too Many", [("Retry-After", "soon, maybe")])),
        "retry-huge": send(response("429 Too Many", [("Retry-After", "9" * 30)])),
        "retry-very-long": send(response("429 Too Many", [("Retry-After", "9" * 5000)])),
        "retry-year-9999": send(
            response("503 Unavailable", [("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT")])
        ),
        "retry-negative": send(response("429 Too Many", [("Retry-After", "-60")])),
        "retry-fraction": send(response("429 Too Many", [("Retry-After", "1.5")])),
        "retry-unicode-digits": send(
            b"HTTP/1.1 429 Too Many\r\nRetry-After: \xb2\xb3\r\nContent-Length: 0\r\n\r\n"
        ),
        "retry-month-long": send(response("503 Unavailable", [("Retry-After", str(30 * 86400))])),
    }
    return {name: server.route(f"/{name}", behaviour) for name, behaviour in routes.items()}


FOLLOWED_ONLY = {"chain-2", "chain-3", "redirect-loop-b"} | {f"long-{n}" for n in range(1, 10)}
RETRY = {
    name
    for name in (
        "retry-seconds",
        "retry-date",
        "retry-past-date",
        "retry-garbage",
        "retry-huge",
        "retry-very-long",
        "retry-year-9999",
        "retry-negative",
        "retry-fraction",
        "retry-unicode-digits",
        "retry-month-long",
    )
}


def test_every_fault_ends_as_its_own_error_and_the_other_feeds_are_unaffected(
    tmp_path: Path, faults: FaultServer, feed_server: FeedServer
) -> None:
    silent = Silent()
    try:
        urls = fault_routes(faults, silent)
        elsewhere = feed_server.route("/feed", Reply(body=FEED))
        db = tmp_path / "faults.db"
        ids: dict[str, int] = {}
        with Store.open(db) as store:
            for name, url in urls.items():
                if name not in FOLLOWED_ONLY:
                    ids[name] = store.add_source(url)[0]
            ids["elsewhere"] = store.add_source(elsewhere)[0]
            ids["silent"] = store.add_source(silent.url("/never-answers"))[0]
        run = run_refresh(db, deadline_s=DEADLINE_S, parse_deadline_s=10.0, max_bytes=2 * MIB)
    finally:
        silent.close()

    # The refresh as a whole: fetches overlapped up to the per-host limit (as the server
    # counted them), and each slow one was cut by the product's deadline (its own error).
    assert faults.peak_in_flight >= PollSettings().per_host, faults.peak_in_flight
    assert run.memory.peak_process < 300 * MIB, run.memory
    by_id = {r["source_id"]: r for r in run.summary["results"]}
    results = {name: by_id[source_id] for name, source_id in ids.items()}
    slow = ("drip", "stall-before-status", "stall-in-headers", "stall-in-body", "slow-headers")
    for name in (*slow, "continue-flood", "redirect-silent", "silent"):
        assert f"timed out after {DEADLINE_S:g} s" in (results[name]["error"] or ""), name
    for good in ("good-1", "good-2", "elsewhere", "redirect-chain-ok"):
        assert results[good]["outcome"] == "updated" and results[good]["new_items"] == 1
    now = datetime.now(UTC)
    with Store.open(db) as store:
        for name, source_id in ids.items():
            result = results[name]
            source = store.get_source(source_id)
            assert source is not None
            fetches = store.fetches(source.id)
            assert len(fetches) == 1, name  # the outcome was stored, whatever happened
            next_check = parse_time(source.next_check_at or "")
            assert next_check is not None, name
            assert next_check <= now + timedelta(seconds=RETRY_AFTER_CEILING_S * 1.2), name
            if result["outcome"] in ("updated", "not_modified", "unchanged"):
                continue
            error = result["error"] or ""
            assert result["outcome"] == "error" and error, (name, result)
            assert "internal error" not in error and "could not store" not in error, (name, error)
            assert "\n" not in error and "\x1b" not in error, (name, error)
            assert error not in ("ReadError", "WriteError"), (name, error)  # says what happened
            assert source.error == error and source.error_count == 1, name
        for name in ("gzip-bomb", "gzip-in-gzip-bomb", "deflate-bomb", "raw-deflate-bomb"):
            assert "larger than" in (results[name]["error"] or ""), name
        for name in ("redirect-file", "redirect-javascript", "redirect-data", "redirect-ftp"):
            assert "redirect refused" in (results[name]["error"] or ""), name
        assert "loop" in (results["redirect-loop-a"]["error"] or "")
        assert "too many redirects" in (results["redirect-chain-long"]["error"] or "")
        for name in RETRY:
            source = store.get_source(ids[name])
            assert source is not None and source.status in (429, 503), name
            wait = (parse_time(source.next_check_at or "") - now).total_seconds()  # type: ignore[operator]
            assert 0 < wait <= RETRY_AFTER_CEILING_S * 1.11, (name, wait)
    # Redirects never left 127.0.0.1 nor http; nothing was requested but the routes.
    assert set(faults.paths()) <= {f"/{name}" for name in urls}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        ("  60 ", 60.0),
        ("soon", None),
        ("-60", None),
        ("1.5", None),
        ("\xb2\xb3", None),  # superscript digits: str.isdigit() says yes, int() says no
        ("\u0661\u0662", None),  # Arabic-Indic digits
        ("9" * 5000, float(RETRY_AFTER_CEILING_S)),  # past int()'s 4,300-digit limit
        ("9" * 30, float(RETRY_AFTER_CEILING_S)),
        ("Fri, 31 Dec 9999 23:59:59 GMT", float(RETRY_AFTER_CEILING_S)),
        ("Mon, 01 Jan 2001 00:00:00 GMT", 0.0),
        ("Mon, 99 Foo 2001 99:99:99 GMT", None),
    ],
)
def test_retry_after_in_every_form(value: str, expected: float | None) -> None:
    assert parse_retry_after(value) == expected
