"""Store benchmark: ingest rate, re-theme rate, full-text query latency.

- ingest: farm feeds parsed beforehand (not timed), then each entry classified with the
  lexicon and stored through `Store.record_refresh` (what the poller's store thread
  does), one transaction per feed, into a fresh database. Items per second of wall time.
- re-theme: `tui.ingest.retheme` over a copy of a generated store. Items per second.
- FTS: `list_items` (one page of 100) plus `count_items` for full-text queries on a
  generated store, page cache warm, several repeats; p50 and p95 in milliseconds.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.bench.farm import render_feed

FTS_QUERIES = [
    "china",
    "chips",
    "export controls",
    '"export controls"',
    "semiconductors taiwan",
    "chi*",
    "nvidia -china",
    "huawei ascend smic",
    "regulation governance",
    "qqqqzzzz",
]


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def ingest(feeds: int) -> dict[str, Any]:
    """Classify and store the entries of `feeds` farm feeds; items per second."""
    from tui.feeds.parse import parse_feed
    from tui.store import Store
    from tui.themes import load_lexicon

    lexicon = load_lexicon()
    parsed = [
        parse_feed(render_feed(1, n, 0), url=f"http://127.0.0.1:1/f{n}").entries
        for n in range(feeds)
    ]
    total = sum(len(entries) for entries in parsed)
    with (
        tempfile.TemporaryDirectory(prefix="aigeo-ingest-") as tmp,
        Store.open(Path(tmp) / "ingest.db") as store,
    ):
        with store.write():
            ids = [store.add_source(f"http://127.0.0.1:1/f{n}")[0] for n in range(feeds)]
        wall, cpu = time.perf_counter(), time.process_time()
        for source_id, entries in zip(ids, parsed, strict=True):
            classified = [(e, lexicon.classify(e.title, e.text)) for e in entries]
            store.record_refresh(
                source_id,
                entries=classified,
                source_fields={"etag": '"x"'},
                status=200,
                nbytes=0,
                duration_ms=0,
                error=None,
            )
        wall = time.perf_counter() - wall
        cpu = time.process_time() - cpu
    return {
        "items": total,
        "wall_s": wall,
        "cpu_s": cpu,
        "items_per_s": total / wall,
        "items_per_cpu_s": total / cpu,
    }


def retheme(source_db: Path) -> dict[str, Any]:
    """Re-theme a copy of a generated store; items per second of wall time."""
    from tui.ingest import retheme as run_retheme
    from tui.store import Store

    with tempfile.TemporaryDirectory(prefix="aigeo-retheme-") as tmp:
        db = Path(tmp) / "retheme.db"
        shutil.copyfile(source_db, db)
        with Store.open(db) as store:
            wall = time.perf_counter()
            count = run_retheme(store)
            wall = time.perf_counter() - wall
            again = time.perf_counter()
            run_retheme(store)  # unchanged lexicon, unchanged items: the common re-run
            again = time.perf_counter() - again
    return {
        "items": count,
        "wall_s": wall,
        "items_per_s": count / wall,
        "rerun_wall_s": again,
        "rerun_items_per_s": count / again,
    }


def fts(db: Path, repeat: int = 7) -> dict[str, Any]:
    """List + count latency of the FTS queries; p50/p95 over queries and repeats."""
    from tui.model import ItemQuery
    from tui.query import parse_query
    from tui.store import Store

    lists: list[float] = []
    counts: list[float] = []
    both: list[float] = []
    per_query: dict[str, float] = {}
    with Store.open(db) as store:
        total = store.count_items()
        for text in FTS_QUERIES:  # warm the page cache, as in a running app
            query = parse_query(text).to_item_query(ItemQuery(limit=100))
            store.list_items(query)
            store.count_items(query)
        for text in FTS_QUERIES:
            mine = []
            for _ in range(repeat):
                query = parse_query(text).to_item_query(ItemQuery(limit=100))
                t0 = time.perf_counter()
                store.list_items(query)
                t1 = time.perf_counter()
                store.count_items(query)
                t2 = time.perf_counter()
                lists.append((t1 - t0) * 1000)
                counts.append((t2 - t1) * 1000)
                both.append((t2 - t0) * 1000)
                mine.append((t2 - t0) * 1000)
            per_query[text] = statistics.median(mine)
    return {
        "items": total,
        "list_p50_ms": statistics.median(lists),
        "list_p95_ms": _p95(lists),
        "count_p50_ms": statistics.median(counts),
        "count_p95_ms": _p95(counts),
        "p50_ms": statistics.median(both),
        "p95_ms": _p95(both),
        "per_query_p50_ms": per_query,
    }
