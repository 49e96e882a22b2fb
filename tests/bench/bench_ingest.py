"""CPU per feed of a cold refresh's in-process work (not run by pytest).

    uv run python -m tests.bench.bench_ingest [--feeds 30] [--repeat 3] [--dump FILE]
    uv run python -m tests.bench.bench_ingest --profile parse|store|stories

Farm feeds (`farm.render_feed`, version 0) go through what a cold `aigeo refresh` does
in-process, each phase timed with `time.process_time()`: parse + classify
(`workers.parse_and_classify`), store (`Store.record_refresh(defer_stories=True)`, one
transaction per feed, into a fresh database) and the story pass
(`assign_pending_stories`). Prints the median of `--repeat` runs, in ms CPU per feed.
No network, no worker processes: the fetch and the fork server are left out.

`--dump FILE` writes every stored item row with its themes, actors, story and FTS
content as JSON lines, for diffing the stores two versions of the code build.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import pstats
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.bench.farm import render_feed

ITEM_COLUMNS = (
    "id, source_id, guid, url, title, author, published, summary, content, text, "
    "content_hash, lang, canonical_url, sort_at, story_key, cluster_id, story_head, "
    "read, starred, article_fetched"
)


def _jobs(feeds: int) -> list[Any]:
    from tui.feeds.workers import ParseJob

    return [
        ParseJob(body=render_feed(1, n, 0), url=f"http://127.0.0.1:1/f{n}", content_type=None)
        for n in range(feeds)
    ]


def _parse(jobs: list[Any]) -> list[Any]:
    from tui.feeds.workers import parse_and_classify

    return [parse_and_classify(job) for job in jobs]


def _store(store: Any, ids: list[int], outcomes: list[Any]) -> None:
    for source_id, outcome in zip(ids, outcomes, strict=True):
        store.record_refresh(
            source_id,
            entries=outcome.entries,
            defer_stories=True,
            source_fields={"etag": '"x"'},
            status=200,
            nbytes=0,
            duration_ms=0,
            error=None,
            at="2025-06-30T12:00:00+00:00",
        )


def dump(store: Any, path: Path) -> None:
    """Every item with its labels, story and FTS row, one JSON line each, in id order."""
    conn = store.conn
    themes: dict[int, list[Any]] = {}
    for row in conn.execute("SELECT item_id, theme, score, origin FROM item_themes ORDER BY rowid"):
        themes.setdefault(row[0], []).append(list(row[1:]))
    actors: dict[int, list[str]] = {}
    for row in conn.execute("SELECT item_id, actor FROM item_actors ORDER BY rowid"):
        actors.setdefault(row[0], []).append(row[1])
    fts = {r[0]: [r[1], r[2]] for r in conn.execute("SELECT rowid, title, text FROM items_fts")}
    with path.open("w", encoding="utf-8") as out:
        for row in conn.execute(f"SELECT {ITEM_COLUMNS} FROM items ORDER BY id"):
            record = dict(zip(ITEM_COLUMNS.split(", "), row, strict=True))
            item_id = record["id"]
            record |= {
                "themes": themes.get(item_id, []),
                "actors": actors.get(item_id, []),
                "fts": fts.get(item_id),
            }
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        for table in ("stories", "source_counts", "theme_counts", "story_sketches"):
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY 1"):
                values = [v.hex() if isinstance(v, bytes) else v for v in row]
                out.write(json.dumps([table, *values]) + "\n")
        out.write(json.dumps(["fts-index", _fts_digest(conn)]) + "\n")


def _fts_digest(conn: Any) -> list[object]:
    """The full-text index as what it holds, not how its segments are laid out: a hash of
    every (term, item, column, offset), and FTS5's own integrity check."""
    conn.execute("INSERT INTO items_fts(items_fts) VALUES ('integrity-check')")
    conn.execute("CREATE VIRTUAL TABLE temp.fts_terms USING fts5vocab(main, items_fts, instance)")
    digest = hashlib.sha256()
    count = 0
    for row in conn.execute("SELECT term, doc, col, offset FROM temp.fts_terms"):
        digest.update(repr(tuple(row)).encode())
        count += 1
    return [count, digest.hexdigest()]


def run_once(
    feeds: int, dump_to: Path | None = None, profile: str | None = None
) -> dict[str, float]:
    """One cold run; CPU seconds of each phase."""
    from tui.store import Store

    jobs = _jobs(feeds)
    profiler = cProfile.Profile()
    times: dict[str, float] = {}
    cpu = time.process_time()
    if profile == "parse":
        profiler.enable()
    outcomes = _parse(jobs)
    profiler.disable()
    times["parse"] = time.process_time() - cpu
    with (
        tempfile.TemporaryDirectory(prefix="aigeo-bench-ingest-") as tmp,
        Store.open(Path(tmp) / "ingest.db") as store,
    ):
        with store.write():
            ids = [store.add_source(f"http://127.0.0.1:1/f{n}")[0] for n in range(feeds)]
        cpu = time.process_time()
        if profile == "store":
            profiler.enable()
        _store(store, ids, outcomes)
        profiler.disable()
        times["store"] = time.process_time() - cpu
        cpu = time.process_time()
        if profile == "stories":
            profiler.enable()
        store.assign_pending_stories()
        profiler.disable()
        times["stories"] = time.process_time() - cpu
        if dump_to is not None:
            dump(store, dump_to)
    if profile:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
    times["items"] = sum(len(o.entries) for o in outcomes)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feeds", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dump", type=Path)
    parser.add_argument("--profile", choices=("parse", "store", "stories"))
    args = parser.parse_args()
    if args.profile:
        run_once(args.feeds, profile=args.profile)
        return
    runs = [run_once(args.feeds, args.dump if n == 0 else None) for n in range(args.repeat)]
    items = runs[0]["items"]
    print(f"{args.feeds} farm feeds, {items:.0f} items, median of {args.repeat} (ms CPU a feed)")
    total = []
    for phase in ("parse", "store", "stories"):
        values = [r[phase] * 1000 / args.feeds for r in runs]
        total.append(values)
        print(
            f"  {phase:<8} {statistics.median(values):7.1f}   runs: "
            + " ".join(f"{v:.1f}" for v in values)
        )
    sums = [sum(v) for v in zip(*total, strict=True)]
    print(f"  {'total':<8} {statistics.median(sums):7.1f}")


if __name__ == "__main__":
    main()
