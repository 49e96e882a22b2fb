"""Multi-row INSERTs: one statement for a chunk of rows instead of one per row.

Why not `executemany`: it runs one statement per row, and an INSERT into `items` runs
the FTS5 trigger inside a statement savepoint, where FTS5 writes its pending terms out
as a new segment: one tiny segment per item, merged again and again by automerge. One
statement for a feed's items writes one segment (measured with
tests/bench/bench_ingest.py: item inserts about 40% less CPU). The rows go in in the
order given, exactly as a loop of single INSERTs would put them (same rowids, same
`OR IGNORE` outcome row by row).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

#: Rows per statement at most: a statement's size (and its cached plan) stays bounded.
MAX_ROWS = 500


def insert_rows(
    conn: sqlite3.Connection,
    head: str,
    rows: Sequence[Sequence[object]],
    row: str | None = None,
) -> None:
    """Run `{head} VALUES {row}, {row}, …` over `rows`, in order, in as few statements
    as SQLite's bound-variable limit allows. `row` is one row's VALUES tuple (default:
    one `?` per value), e.g. `"(?, ?, 'rule')"`."""
    if not rows:
        return
    row = row or "(" + ", ".join("?" * len(rows[0])) + ")"
    per_row = max(1, row.count("?"))
    limit = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    size = max(1, min(MAX_ROWS, limit // per_row))
    for start in range(0, len(rows), size):
        chunk = rows[start : start + size]
        conn.execute(
            f"{head} VALUES {', '.join([row] * len(chunk))}",
            [value for values in chunk for value in values],
        )
