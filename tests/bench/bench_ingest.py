"""CPU per feed of a cold refresh's in-process work (not run by pytest).

    uv run python -m tests.bench.bench_ingest [--feeds 30] [--repeat 3] [--dump FILE]
    uv run python -m tests.bench.bench_ingest --second [--second-version 1] [--edit-every 5]
    uv run python -m tests.bench.bench_ingest --profile parse|store|stories|parse2|store2

Farm feeds (`farm.render_feed`, version 0) go through what a cold `aigeo refresh` does
in-process, each phase timed with `time.process_time()`: parse + classify
(`workers.parse_and_classify`), store (`Store.record_refresh(defer_stories=True)`, one
transaction per feed, into a fresh database) and the story pass
(`assign_pending_stories`). Prints the median of `--repeat` runs, in ms CPU per feed.
No network, no worker processes: the fetch and the fork server are left out.

`--second` adds a second pass over the same store, as a refresh answered 200 with
the same content does (no body-hash shortcut): the feeds at `--second-version`
(default 0: the same documents; 1: every tenth feed gains 5 new items), with one
entry's title edited in every `--edit-every`-th feed (0: none), timed as `known2`
(reading the stored entries into each job, as the poller does: tui.feeds.known),
`parse2`, `store2` and `stories2`.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.bench.farm import render_feed

FIRST_AT = "2025-06-30T12:00:00+00:00"
SECOND_AT = "2025-06-30T13:00:00+00:00"
ITEM_COLUMNS = (
    "id, source_id, guid, url, title, author, published, summary, content, text, "
    "content_hash, lang, canonical_url, sort_at, story_key, cluster_id, story_head, "
    "read, starred, article_fetched"
)


@dataclass(frozen=True, slots=True)
class Second:
    """The second pass: which farm version it serves, and which feeds get an edit."""

    version: int = 0
    edit_every: int = 0


def _jobs(feeds: int, version: int = 0, edit_every: int = 0) -> list[Any]:
    from tui.feeds.workers import ParseJob

    return [
        ParseJob(
            body=_edited(render_feed(1, n, version), edit_every and n % edit_every == 0),
            url=f"http://127.0.0.1:1/f{n}",
            content_type=None,
        )
        for n in range(feeds)
    ]


def _edited(body: bytes, edit: bool) -> bytes:
    """The document with its first entry's title changed (the 1st <title> is the feed's)."""
    return body.replace(b"<title>", b"<title>Edited ", 2) if edit else body


def _parse(jobs: list[Any]) -> list[Any]:
    from tui.feeds.workers import parse_and_classify

    return [parse_and_classify(job) for job in jobs]


def _know(store: Any, ids: list[int], jobs: list[Any]) -> None:
    """What the poller does before a parse: the source's stored entries into the job."""
    from tui.feeds.known import known_entries

    for source_id, job in zip(ids, jobs, strict=True):
        job.known = known_entries(store, source_id, job.max_items)


def _store(store: Any, ids: list[int], outcomes: list[Any], at: str = FIRST_AT) -> None:
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
            at=at,
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
    feeds: int,
    dump_to: Path | None = None,
    profile: str | None = None,
    second: Second | None = None,
) -> dict[str, float]:
    """One cold run (and a second pass when asked); CPU seconds of each phase."""
    from tui.store import Store

    profiler = cProfile.Profile()
    times: dict[str, float] = {}

    def timed(phase: str, work: Any) -> Any:
        cpu = time.process_time()
        if profile == phase:
            profiler.enable()
        result = work()
        profiler.disable()
        times[phase] = time.process_time() - cpu
        return result

    jobs = _jobs(feeds)
    outcomes = timed("parse", lambda: _parse(jobs))
    times["items"] = sum(len(o.entries) for o in outcomes)
    with (
        tempfile.TemporaryDirectory(prefix="aigeo-bench-ingest-") as tmp,
        Store.open(Path(tmp) / "ingest.db") as store,
    ):
        with store.write():
            ids = [store.add_source(f"http://127.0.0.1:1/f{n}")[0] for n in range(feeds)]
        timed("store", lambda: _store(store, ids, outcomes))
        timed("stories", store.assign_pending_stories)
        if second is not None:
            again = _jobs(feeds, second.version, second.edit_every)
            timed("known2", lambda: _know(store, ids, again))
            outcomes = timed("parse2", lambda: _parse(again))
            timed("store2", lambda: _store(store, ids, outcomes, SECOND_AT))
            timed("stories2", store.assign_pending_stories)
            times["items2"] = sum(len(o.entries) for o in outcomes)
            times["classified2"] = sum(o.classified for o in outcomes)
        if dump_to is not None:
            dump(store, dump_to)
    if profile:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feeds", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dump", type=Path)
    parser.add_argument("--second", action="store_true", help="time a second pass too")
    parser.add_argument("--second-version", type=int, default=0)
    parser.add_argument("--edit-every", type=int, default=0)
    parser.add_argument(
        "--profile",
        choices=("parse", "store", "stories", "known2", "parse2", "store2", "stories2"),
    )
    args = parser.parse_args()
    second = Second(args.second_version, args.edit_every)
    if args.profile:
        run_once(args.feeds, profile=args.profile, second=second)
        return
    runs = [
        run_once(args.feeds, args.dump if n == 0 else None, second=second if args.second else None)
        for n in range(args.repeat)
    ]
    items = runs[0]["items"]
    print(f"{args.feeds} farm feeds, {items:.0f} items, median of {args.repeat} (ms CPU a feed)")
    _report(runs, args.feeds, ("parse", "store", "stories"))
    if args.second:
        print(
            f"second pass: version {second.version}, an edit every {second.edit_every} feeds, "
            f"{runs[0]['items2']:.0f} items, {runs[0]['classified2']:.0f} classified"
        )
        _report(runs, args.feeds, ("known2", "parse2", "store2", "stories2"))


def _report(runs: list[dict[str, float]], feeds: int, phases: tuple[str, ...]) -> None:
    total = []
    for phase in phases:
        values = [r[phase] * 1000 / feeds for r in runs]
        total.append(values)
        print(
            f"  {phase:<8} {statistics.median(values):7.1f}   runs: "
            + " ".join(f"{v:.1f}" for v in values)
        )
    sums = [sum(v) for v in zip(*total, strict=True)]
    print(f"  {'total':<8} {statistics.median(sums):7.1f}")


if __name__ == "__main__":
    main()
