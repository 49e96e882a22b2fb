"""save_items writes new items in multi-row statements (tui.store.bulk): the database it
builds must be the one the item-by-item path builds, row for row, FTS index included."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tui.store.items as items_module
from tui.model import Classification, NewItem, ThemeScore
from tui.store import Store
from tui.store.bulk import insert_rows

WORDS = ("chips", "export", "china", "nvidia", "rules", "the", "a", "policy")
LONG = " ".join(WORDS * 12)  # long enough for content-hash story keys

entry = st.builds(
    lambda guid, title, text, url, themes, actors: (
        NewItem(
            guid=f"g{guid}",
            title=f"Title {title}",
            url=f"https://e.example/{url}" if url is not None else None,
            text=text,
            content=f"<p>{text}</p>",
            content_hash=f"h{title}{text}",
            canonical_url=f"https://e.example/{url}" if url is not None else None,
            published=f"2025-06-{1 + guid % 28:02d}T00:00:00+00:00",
        ),
        Classification(
            tuple(ThemeScore(t, 0.5 + n / 10) for n, t in enumerate(themes)), tuple(actors)
        ),
    ),
    st.integers(0, 12),
    st.integers(0, 3),
    st.sampled_from(["", "short text", LONG, LONG + " more"]),
    st.one_of(st.none(), st.integers(0, 5)),
    st.lists(st.sampled_from(["chips", "markets", "safety"]), max_size=4),
    st.lists(st.sampled_from(["China", "Nvidia", "TSMC"]), max_size=4),
)
# (source 1 or 2, entries): a refresh of one feed; repeated guids, changed and unchanged
# items and copies across sources all occur
refreshes = st.lists(
    st.tuples(st.sampled_from([1, 2]), st.lists(entry, max_size=8)), min_size=1, max_size=5
)


def _dump(conn: sqlite3.Connection) -> list[Any]:
    rows: list[Any] = []
    for sql in (
        "SELECT * FROM items ORDER BY id",
        "SELECT rowid, * FROM item_themes ORDER BY rowid",
        "SELECT rowid, * FROM item_actors ORDER BY rowid",
        "SELECT item_id, tag FROM tags ORDER BY item_id, tag",
        "SELECT * FROM source_counts ORDER BY source_id",
        "SELECT * FROM theme_counts ORDER BY theme",
        "SELECT * FROM meta ORDER BY key",
    ):
        rows.append([tuple(r) for r in conn.execute(sql)])
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.v USING fts5vocab(main, items_fts, instance)"
    )
    rows.append(list(conn.execute("SELECT term, doc, col, offset FROM temp.v")))
    conn.execute("INSERT INTO items_fts(items_fts) VALUES ('integrity-check')")
    return rows


def _build(path: Path, plan: list[tuple[int, list[tuple[NewItem, Classification]]]]) -> list[Any]:
    with Store.open(path) as store:
        with store.write():
            for n in (1, 2):
                store.add_source(f"https://e.example/feed{n}")
        for number, (source, entries) in enumerate(plan):
            store.save_items(source, entries, fetched_at=f"2025-07-01T00:00:0{number}+00:00")
            first = store.conn.execute("SELECT min(id) FROM items").fetchone()[0]
            if first is not None and number == 0:  # user state the later saves must keep
                store.set_read([first])
                store.set_starred([first])
                store.add_tags([first], ["mine"])
        return _dump(store.conn)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=refreshes)
def test_bulk_path_stores_what_the_item_by_item_path_stores(
    plan: list[tuple[int, list[tuple[NewItem, Classification]]]],
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path_factory.mktemp("bulk")
    bulk = _build(folder / "bulk.db", plan)
    with monkeypatch.context() as patch:  # every batch through the one-by-one loop
        patch.setattr(items_module, "_only_new_or_unchanged", lambda entries, existing: None)
        one_by_one = _build(folder / "loop.db", plan)
    assert bulk == one_by_one


def test_insert_rows_keeps_order_across_chunks() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b INTEGER UNIQUE, c TEXT)")
    conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 7)  # three rows of two a statement
    rows = [(f"r{n}", n % 5) for n in range(12)]
    insert_rows(conn, "INSERT OR IGNORE INTO t(a, b, c)", rows, "(?, ?, 'x')")
    assert list(conn.execute("SELECT id, a, b, c FROM t")) == [
        (n + 1, f"r{n}", n, "x") for n in range(5)
    ]
    insert_rows(conn, "INSERT INTO t(a, b, c)", [])  # nothing to do: no statement
    assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 5
