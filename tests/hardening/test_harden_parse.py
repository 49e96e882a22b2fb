"""Parser and XML attacks through a real refresh: bounded time and memory, no side effects.

Every attack is served from 127.0.0.1 next to two good feeds, and one refresh (the
engine of `aigeo refresh`, in a subprocess) takes them all. Each attack must end in
stored items or a clear one-line error on its source; the good feeds are unaffected;
the whole refresh stays within its deadlines; no process of the refresh grows past
300 MiB; no local file is read; and the server sees no request but the feed URLs
(external entities, remote DTDs, XInclude, stylesheets and images point at
recording routes that must never be hit).
"""

from __future__ import annotations

import asyncio
import html
import random
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.farm import MIB, clean_env, run_refresh
from tests.support.feedserver import FeedServer, Reply, rss
from tests.support.hostile import one_line_problems
from tui.model import ItemQuery
from tui.store import Store

pytestmark = pytest.mark.slow

SECRET = "TOP-SECRET-LOCAL-FILE-6b1f"
MEMORY_CAP = 300 * MIB
GOOD = rss([("good-1", "Chips and export controls", "A good article " * 20)])


def wrap_rss(
    items: str, head: str = "", decl: str = '<?xml version="1.0" encoding="utf-8"?>'
) -> str:
    """An RSS document around `items` (XML text), with an optional DOCTYPE `head`."""
    return (
        f'{decl}{head}<rss version="2.0"><channel><title>Attack</title>'
        f"<link>https://example.org/</link>{items}</channel></rss>"
    )


def entry(guid: str | None, title: str, body: str = "text", date: str | None = None) -> str:
    """An RSS item (already-escaped XML)."""
    parts = [f"<title>{title}</title>", f"<description>{body}</description>"]
    if guid is not None:
        parts.append(f"<guid>{guid}</guid>")
    if date is not None:
        parts.append(f"<pubDate>{date}</pubDate>")
    return "<item>" + "".join(parts) + "</item>"


def attacks(canary: Callable[[str], str], secret: Path) -> dict[str, tuple[bytes, str]]:
    """name → (body, expected): "items" (some stored), "error" (a clear error) or "either" (which
    includes "no entries" with a warning, for well-formed XML that is no feed)."""
    laughs = "".join(f'<!ENTITY l{i} "' + f"&l{i - 1};" * 10 + '">' for i in range(1, 10))
    laughs_lines = "\n".join(f'<!ENTITY l{i} "' + f"&l{i - 1};" * 10 + '">' for i in range(1, 10))
    deep = 50_000
    rng = random.Random(7)
    now = datetime.now(UTC)
    found: dict[str, tuple[bytes | str, str]] = {
        "billion-laughs": (
            wrap_rss(entry("g", "&l9;", "&l9;"), f'<!DOCTYPE r [<!ENTITY l0 "lol">{laughs}]>'),
            "either",
        ),
        "billion-laughs-lines": (
            wrap_rss(entry("g", "&l9;"), f'<!DOCTYPE r [\n<!ENTITY l0 "lol">\n{laughs_lines}\n]>'),
            "either",
        ),
        "quadratic-blowup": (
            wrap_rss(
                entry("g", "t", "&a;" * 50_000),
                '<!DOCTYPE r [<!ENTITY a "' + "x" * 50_000 + '">]>',
            ),
            "either",
        ),
        "xxe-local-file": (
            wrap_rss(
                entry("g", "&x;", "before &x; after"),
                f'<!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>',
            ),
            "either",
        ),
        "xxe-local-path": (
            wrap_rss(entry("g", "t &x;"), f'<!DOCTYPE r [\n<!ENTITY x SYSTEM "{secret}">\n]>'),
            "either",
        ),
        "xxe-remote": (
            wrap_rss(
                entry("g", "&x;", "&x;"),
                f'<!DOCTYPE r [<!ENTITY x SYSTEM "{canary("xxe")}">]>',
            ),
            "either",
        ),
        "xxe-parameter-entity": (
            wrap_rss(entry("g", "t"), f'<!DOCTYPE r [<!ENTITY % p SYSTEM "{canary("pe")}"> %p;]>'),
            "either",
        ),
        "remote-dtd": (
            wrap_rss(entry("g", "t"), f'<!DOCTYPE rss SYSTEM "{canary("dtd")}">'),
            "either",
        ),
        "remote-dtd-public": (
            wrap_rss(entry("g", "t"), f'<!DOCTYPE rss PUBLIC "-//X//Y" "{canary("public")}">'),
            "either",
        ),
        "xinclude-stylesheet-image": (
            wrap_rss(
                entry(
                    "g",
                    "t",
                    f'&lt;img src="{canary("img")}"&gt;&lt;iframe src="{canary("frame")}"&gt;',
                )
                + f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{canary("xi")}"/>',
                decl=f'<?xml version="1.0"?><?xml-stylesheet href="{canary("xsl")}"?>',
            ),
            "items",
        ),
        "deep-nesting-content": (
            wrap_rss(entry("g", "t", "<x>" * deep + "deep" + "</x>" * deep)),
            "either",
        ),
        "deep-nesting-unclosed": (wrap_rss(entry("g", "t", "<x>" * deep)), "either"),
        "deep-nesting-root": ("<a>" * deep + "</a>" * deep, "either"),
        "deep-json": ("[" * 100_000 + "]" * 100_000, "error"),
        "twenty-thousand-items": (
            wrap_rss("".join(entry(f"g{n}", f"item {n}") for n in range(20_000))),
            "items",
        ),
        "duplicate-guids": (
            wrap_rss("".join(entry("same", f"dup {n}", f"body {n}") for n in range(50))),
            "items",
        ),
        "missing-guids": (
            wrap_rss("".join(entry(None, f"no guid {n}", f"body {n}") for n in range(50))),
            "items",
        ),
        "out-of-range-dates": (
            wrap_rss(
                entry("d1", "year one", date="Mon, 01 Jan 0001 00:00:00 GMT")
                + entry("d2", "year 9999", date="Fri, 31 Dec 9999 23:59:59 GMT")
                + entry("d3", "bad zone", date="Mon, 01 Jan 2024 00:00:00 +9999")
                + entry("d4", "garbage", date="yesterday-ish GMT+25")
                + entry("d5", "huge", date="9" * 5_000)
                + entry(
                    "d6",
                    "future",
                    date=(now + timedelta(days=900)).strftime("%a, %d %b %Y %H:%M:%S GMT"),
                )
            ),
            "items",
        ),
        "atom-dates": (
            '<feed xmlns="http://www.w3.org/2005/Atom"><title>a</title>'
            "<entry><id>1</id><title>one</title><updated>0001-01-01T00:00:00Z</updated></entry>"
            "<entry><id>2</id><title>two</title><updated>9999-12-31T23:59:59+99:99</updated></entry>"
            "<entry><id>3</id><title>three</title><updated>10000-01-01T00:00:00Z</updated></entry>"
            "</feed>",
            "items",
        ),
        "lying-encoding-latin1-as-utf8": (
            wrap_rss(entry("g", "caf\xe9 na\xefve")).encode("latin-1"),
            "either",
        ),
        "lying-encoding-utf8-as-utf16": (
            wrap_rss(entry("g", "café"), decl='<?xml version="1.0" encoding="utf-16"?>').encode(),
            "either",
        ),
        "encoding-garbage-name": (
            wrap_rss(entry("g", "t"), decl='<?xml version="1.0" encoding="../../../etc/passwd"?>'),
            "either",
        ),
        "encoding-huge-name": (
            wrap_rss(entry("g", "t"), decl=f'<?xml version="1.0" encoding="{"x" * 5000}"?>'),
            "either",
        ),
        "encoding-binary-name": (
            b'<?xml version="1.0" encoding="\xff\xfe\x00\x1b[2J"?>'
            + wrap_rss(entry("g", "t"), decl="").encode(),
            "either",
        ),
        "utf16-bom": (wrap_rss(entry("g", "Café 東京"), decl="").encode("utf-16"), "items"),
        "utf16-no-bom": (wrap_rss(entry("g", "Café"), decl="").encode("utf-16-le"), "either"),
        "utf32-bom": (wrap_rss(entry("g", "Café"), decl="").encode("utf-32"), "either"),
        "utf32-no-bom": (wrap_rss(entry("g", "Café"), decl="").encode("utf-32-be"), "either"),
        "html-page": (
            "<!DOCTYPE html><html><head><title>Not a feed</title></head><body>hi</body></html>",
            "error",
        ),
        "json-garbage": ('{"version": 1, "items": "nope", "title": [1, {"x": null}]}', "either"),
        "json-huge-number": (
            '{"items": [{"id": 1e999999, "title": 9' + "9" * 5000 + "}]}",
            "either",
        ),
        "binary-garbage": (bytes(rng.randrange(256) for _ in range(200_000)), "error"),
        "long-tag": (
            wrap_rss(entry("g", "t")).replace("<title>t", "<title" + "a" * 5_000_000 + ">t")
            + "<unclosed",
            "either",
        ),
        "million-attributes": (  # ~350 bytes each in the lenient parser: ~1.5 GB
            wrap_rss(entry("g", "t", "<p" + " a" * 4_500_000 + ">x</p>")),
            "error",
        ),
    }
    return {
        name: (body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass"), expect)
        for name, (body, expect) in found.items()
    }


def test_parser_attacks_end_cleanly_within_deadline_and_memory_with_no_side_effects(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    canaries: list[str] = []

    def canary(name: str) -> str:
        path = f"/canary/{name}"
        canaries.append(path)
        return feed_server.route(path, Reply(body=SECRET.encode()))

    cases = attacks(canary, secret)
    db = tmp_path / "attacks.db"
    urls: dict[str, str] = {}
    with Store.open(db) as store:
        for name in ("good-a", *cases, "good-b"):
            body = GOOD if name.startswith("good") else cases[name][0]
            urls[name] = feed_server.route(f"/feed/{name}", Reply(body=body))
            store.add_source(urls[name])
    deadline_s, parse_deadline_s = 10.0, 12.0
    run = run_refresh(db, deadline_s=deadline_s, parse_deadline_s=parse_deadline_s)

    # Within the deadlines: every parse is bounded, two workers share the queue.
    assert run.seconds < deadline_s + parse_deadline_s * len(cases) / 2 + 15
    assert run.summary["total"] == len(cases) + 2
    # Memory: no process of the refresh (engine, fork server, workers) past the cap.
    assert run.memory.peak_process < MEMORY_CAP, run.memory
    # Only the feed URLs were requested, each once; nothing on a feed's behalf.
    requested = sorted(seen.path for seen in feed_server.requests)
    assert requested == sorted(f"/feed/{name}" for name in urls)
    assert not set(canaries) & set(requested)

    with Store.open(db) as store:
        for name in ("good-a", "good-b"):
            result = run.result(urls[name])
            assert result["outcome"] == "updated" and result["new_items"] == 1, result
        for name, (_body, expected) in cases.items():
            result = run.result(urls[name])
            source = store.find_source(urls[name])
            assert source is not None
            stored = store.list_items(ItemQuery(source_id=source.id, limit=1000))
            error = result["error"]
            if result["outcome"] == "error":
                assert expected in ("error", "either"), (name, error)
                assert error and "internal error" not in error, (name, error)
                assert "\n" not in error and len(error) < 700, (name, error)
                assert source.error == error and not stored, name
            else:
                assert result["outcome"] == "updated", (name, result)
                assert expected in ("items", "either"), (name, result)
                # Well-formed XML of no feed format: no entries, said as a warning.
                assert stored or (expected == "either" and result["warning"]), (name, result)
            for item in stored:
                assert not one_line_problems(item.title), (name, item.title)
                assert "lollollollol" not in item.title, name
                if item.published:
                    when = datetime.fromisoformat(item.published)
                    assert (
                        datetime(1990, 1, 1, tzinfo=UTC)
                        <= when
                        <= datetime.now(UTC) + timedelta(days=3)
                    )
        twenty = store.find_source(urls["twenty-thousand-items"])
        assert twenty is not None
        assert store.count_items(ItemQuery(source_id=twenty.id)) == 500  # the max_items cap
        for name in ("duplicate-guids", "missing-guids"):
            source = store.find_source(urls[name])
            assert source is not None
            assert store.count_items(ItemQuery(source_id=source.id)) == 50, name
    # No byte of the local file, nor of the canary answers, anywhere in the database.
    conn = sqlite3.connect(db)
    try:
        dump = "\n".join(conn.iterdump())
    finally:
        conn.close()
    assert SECRET not in dump


def test_a_parse_that_balloons_is_stopped_by_the_worker_memory_cap(tmp_path: Path) -> None:
    """Input that makes feedparser's lenient parser grow ~350 bytes per byte of input
    (millions of attributes in one unclosed tag) ends as that feed's error."""
    from tui.feeds.workers import ParseJob, ParsePool

    body = wrap_rss(entry("g", "t", "<p" + " a" * 4_500_000 + ">x</p>")).encode()

    async def parse() -> str | None:
        pool = ParsePool(1, 60.0)  # the default cap
        try:
            return (await pool.run(ParseJob(body, "https://example.org/feed"))).error
        finally:
            pool.close()

    error = asyncio.run(parse())
    # A MemoryError inside the parser is reported; one outside it (the worker's own
    # bookkeeping) kills the worker, which the pool reports and replaces.
    assert error in (
        "document too large or too complex to parse (out of memory)",
        "the parser process died",
    )


def test_the_lenient_parser_finds_tag_ends_in_constant_memory() -> None:
    """The patched tag-end regex matches what feedparser's own does, without the
    per-character backtracking record (5 MB of tag cost ~900 MB before)."""
    import tracemalloc

    import feedparser.sgml

    import tui.feeds.parse

    original = re.compile(
        r"""([^'"<>]|"[^"]*"(?=>|/|\s|\w+=)|'[^']*'(?=>|/|\s|\w+=))*(?=[<>])|.*?(?=[<>])"""
    )
    samples = [
        '<a href="x>y" b=c>rest',
        "<a b='1' c=\"2\">",
        '<a "q"x>',
        '<a b="x"y>z<',
        "<a",
        "<a b>",
        '<p a"b" c>',
        "<x y='a>b'/>",
        "<x y='a'b c>d",
        "no end",
        '<a\n b\t="1">',
        '<a b="">',
    ]
    for sample in samples:
        for start in range(len(sample)):
            mine = tui.feeds.parse._TAG_END.match(sample, start)
            theirs = original.match(sample, start)  # sgmllib uses only the end of match 0
            assert (mine and mine.end(0)) == (theirs and theirs.end(0)), (sample, start)
    assert feedparser.sgml.sgmllib.endbracket.endbracket is tui.feeds.parse._TAG_END
    tracemalloc.start()
    try:
        match = tui.feeds.parse._TAG_END.match("<a " + "b" * 2_000_000 + ">", 1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert match is not None and peak < 5 * MIB


# --------------------------------------------------------------------------- hostile OPML


def opml_doc(outlines: str, head: str = "") -> bytes:
    """An OPML 2.0 document around `outlines` (XML text)."""
    return (
        f'<?xml version="1.0"?>{head}<opml version="2.0"><head><title>t</title></head>'
        f"<body>{outlines}</body></opml>"
    ).encode()


def test_hostile_opml_is_refused_or_skipped_clearly_and_runs_nothing(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    marker = tmp_path / "ran"
    canary = feed_server.route("/canary/opml", Reply(body=SECRET.encode()))
    laughs = "".join(f'<!ENTITY l{i} "' + f"&l{i - 1};" * 10 + '">' for i in range(1, 10))
    refused = {
        "entity-bomb": opml_doc(
            '<outline text="&l9;" xmlUrl="https://e.org/f"/>',
            f'<!DOCTYPE o [<!ENTITY l0 "lol">{laughs}]>',
        ),
        "xxe-file": opml_doc(
            '<outline text="&x;" xmlUrl="https://e.org/f"/>',
            f'<!DOCTYPE o [<!ENTITY x SYSTEM "file://{secret}">]>',
        ),
        "xxe-url": opml_doc(
            '<outline text="&x;" xmlUrl="https://e.org/f"/>',
            f'<!DOCTYPE o [<!ENTITY x SYSTEM "{canary}">]>',
        ),
        "huge": opml_doc('<outline text="x" xmlUrl="https://e.org/f"/>' * 500_000),
        "not-opml": b"<html><body>hello</body></html>",
        "binary": bytes(range(256)) * 100,
    }
    commands = [
        f"|touch {marker}",
        f"exec:touch {marker}",
        f"filter:touch {marker}:https://e.org/x",
        'query:unread:unread = "yes"',
        f"file://{secret}",
        "javascript:alert(1)",
        f"snownews:touch {marker}",
        f" |touch {marker}",
    ]
    accepted = {  # a DOCTYPE naming a remote DTD is fine as long as it is never fetched
        "remote-dtd": opml_doc(
            '<outline text="x" xmlUrl="https://dtd.example.org/f"/>',
            f'<!DOCTYPE opml SYSTEM "{canary}">',
        ),
        "commands": opml_doc(
            "".join(f'<outline text="c" xmlUrl="{html.escape(c)}"/>' for c in commands)
            + '<outline text="fine" xmlUrl="https://ok.example.org/feed"/>'
        ),
        "deep": opml_doc(
            '<outline text="f">' * 50_000
            + '<outline text="deep" xmlUrl="https://deep.example.org/feed"/>'
            + "</outline>" * 50_000
        ),
        "wide": opml_doc(
            "".join(
                f'<outline text="t{n}" xmlUrl="https://wide.example.org/{n}"/>'
                for n in range(20_000)
            )
        ),
    }
    db = tmp_path / "opml.db"
    for name, data in refused.items():
        path = tmp_path / f"{name}.opml"
        path.write_bytes(data)
        done = cli(db, "import", str(path))
        assert done.returncode == 1, (name, done.stdout, done.stderr)
        assert done.stderr.startswith(b"Error: ") and b"Traceback" not in done.stderr, name
        assert done.stderr.count(b"\n") == 1 and SECRET.encode() not in done.stderr, name
    with Store.open(db) as store:
        assert store.feed_sources() == []  # a refused file adds nothing
    for name, data in accepted.items():
        path = tmp_path / f"{name}.opml"
        path.write_bytes(data)
        done = cli(db, "import", str(path))
        assert done.returncode == 0, (name, done.stderr)
        assert b"Traceback" not in done.stderr
    with Store.open(db) as store:
        urls = {source.url for source in store.feed_sources()}
        deep = store.find_source("https://deep.example.org/feed")
    assert urls == {
        "https://ok.example.org/feed",
        "https://deep.example.org/feed",
        "https://dtd.example.org/f",
    } | {f"https://wide.example.org/{n}" for n in range(20_000)}
    assert deep is not None and deep.category and deep.category.count("/") < 20
    assert not marker.exists()  # no command ran
    assert feed_server.requests == []  # nothing was fetched, no entity or DTD resolved
    exported = cli(db, "export", "opml")
    assert exported.returncode == 0 and b"deep.example.org" in exported.stdout


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """The real `aigeo` command line on `db`."""
    return subprocess.run(
        [sys.executable, "-m", "tui", "--db", str(db), *args],
        capture_output=True,
        cwd=Path(__file__).resolve().parents[2],
        env=clean_env() | {"AIGEO_CONFIG": str(db.parent / "config.toml")},
        timeout=120,
    )
