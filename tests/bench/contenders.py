"""The Python contenders of the refresh benchmark, each run as its own process.

    python -m tests.bench.contenders seq DB URLS_FILE
    python -m tests.bench.contenders floor URLS_FILE

`seq`: the plain way: `feedparser.parse(url, etag=…, modified=…)` one feed after
another (conditional GET through feedparser's own urllib fetcher), every entry upserted
into an sqlite-utils table keyed by (feed, guid), one transaction per feed. Prints the
items stored.

`floor`: the Python CPU floor: download the bodies first (not timed), then time
`feedparser.parse` over the bytes with its defaults, in this one process. Prints JSON
{"wall_s", "cpu_s", "feeds", "entries"}.
"""

from __future__ import annotations

import io
import json
import sys
import time
import urllib.request
from pathlib import Path

import feedparser
import sqlite_utils


def _content(entry: dict) -> str:
    contents = entry.get("content") or []
    if contents and contents[0].get("value"):
        return str(contents[0]["value"])
    return str(entry.get("summary") or "")


def sequential(db_path: Path, urls: list[str]) -> int:
    """Fetch and store every feed in turn; returns the items in the table afterwards."""
    db = sqlite_utils.Database(db_path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    if "feeds" not in db.table_names():
        db["feeds"].create({"url": str, "etag": str, "modified": str}, pk="url")
        db["items"].create(
            {"feed": str, "guid": str, "title": str, "link": str, "published": str, "content": str},
            pk=("feed", "guid"),
        )
    known = {row["url"]: row for row in db["feeds"].rows}
    for url in urls:
        state = known.get(url, {})
        parsed = feedparser.parse(url, etag=state.get("etag"), modified=state.get("modified"))
        if parsed.get("status") == 304:
            continue
        rows = [
            {
                "feed": url,
                "guid": e.get("id") or e.get("link") or e.get("title"),
                "title": e.get("title"),
                "link": e.get("link"),
                "published": e.get("published"),
                "content": _content(e),
            }
            for e in parsed.entries
        ]
        with db.conn:
            db["items"].upsert_all(rows, pk=("feed", "guid"))
            db["feeds"].upsert(
                {"url": url, "etag": parsed.get("etag"), "modified": parsed.get("modified")},
                pk="url",
            )
    return int(db.execute("SELECT count(*) FROM items").fetchone()[0])


def floor(urls: list[str]) -> dict[str, float]:
    """feedparser's CPU on the bodies, downloaded beforehand."""
    bodies = []
    for url in urls:
        with urllib.request.urlopen(url, timeout=30) as response:
            bodies.append(response.read())
    wall, cpu = time.perf_counter(), time.process_time()
    entries = sum(len(feedparser.parse(io.BytesIO(body)).entries) for body in bodies)
    return {
        "wall_s": time.perf_counter() - wall,
        "cpu_s": time.process_time() - cpu,
        "feeds": len(bodies),
        "entries": entries,
    }


def main() -> None:
    """Command line (see the module docstring)."""
    command = sys.argv[1]
    if command == "seq":
        urls = Path(sys.argv[3]).read_text().split()
        print(sequential(Path(sys.argv[2]), urls))
    elif command == "floor":
        urls = Path(sys.argv[2]).read_text().split()
        print(json.dumps(floor(urls)))
    else:
        raise SystemExit(f"unknown contender {command!r}")


if __name__ == "__main__":
    main()
