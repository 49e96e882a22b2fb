"""Cached counts (schema v6): the triggers keep source and theme counts exact.

Every test compares the cached tables with the counts recomputed from the rows.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import sqlite_utils
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.model import Classification, ItemQuery, NewItem, ThemeScore
from tui.store import Store
from tui.store.schema import MIGRATIONS

THEMES = ("chips", "us-china", "markets", "safety")


def item(guid: str, text: str = "body") -> NewItem:
    return NewItem(guid=guid, title=f"T {guid}", text=text, content_hash=f"h{guid}{text}")


def themed(*themes: str) -> Classification:
    return Classification(tuple(ThemeScore(t, 0.5) for t in themes), ())


def recount(store: Store) -> tuple[dict[int, tuple[int, int]], dict[str, tuple[int, int]]]:
    """Source and theme counts the slow way (what v4 computed on every call)."""
    sources = {
        row[0]: (row[1], row[2])
        for row in store.conn.execute(
            "SELECT source_id, COUNT(*), SUM(read = 0) FROM items GROUP BY source_id"
        )
    }
    themes = {
        row[0]: (row[1], row[2])
        for row in store.conn.execute(
            "SELECT t.theme, COUNT(*), SUM(i.read = 0) FROM item_themes t "
            "JOIN items i ON i.id = t.item_id WHERE t.score > 0 GROUP BY t.theme"
        )
    }
    return sources, themes


def assert_counts_exact(store: Store) -> None:
    sources, themes = recount(store)
    cached = {s.source.id: (s.total, s.unread) for s in store.source_summaries() if s.total}
    assert cached == sources
    assert store.theme_counts() == themes
    assert store.count_items() == sum(total for total, _ in sources.values())
    unread = sum(u for _, u in sources.values())
    assert store.count_items(ItemQuery(unread=True)) == unread
    for source_id, (total, unread_here) in sources.items():
        assert store.count_items(ItemQuery(source_id=source_id)) == total
        assert store.count_items(ItemQuery(source_id=source_id, unread=False)) == (
            total - unread_here
        )
    for theme in THEMES:
        total, unread_theme = themes.get(theme, (0, 0))
        assert store.count_items(ItemQuery(theme=theme)) == total
        assert store.count_items(ItemQuery(theme=theme, unread=True)) == unread_theme


def test_counts_follow_saves_reads_decisions_rethemes_and_removals(store: Store) -> None:
    a, _ = store.add_source("https://a.test/feed", "A")
    b, _ = store.add_source("https://b.test/feed", "B")
    saved = store.save_items(a, [(item(f"a{n}"), themed(*THEMES[: n % 3])) for n in range(9)])
    store.save_items(b, [(item(f"b{n}"), themed("chips")) for n in range(4)])
    assert_counts_exact(store)
    store.set_read(saved.new_ids[:5])
    assert_counts_exact(store)
    store.set_user_theme(saved.new_ids[1], "chips", False)  # reject: score 0
    store.set_user_theme(saved.new_ids[2], "markets", True)  # add
    store.set_user_theme(saved.new_ids[3], "us-china", True)  # accept an existing rule
    assert_counts_exact(store)
    store.set_user_theme(saved.new_ids[1], "chips", None)  # forget the rejection
    store.save_items(a, [(item("a1", "changed text"), themed("safety"))])  # re-classified
    assert_counts_exact(store)
    store.set_rule_classifications((i, themed("markets")) for i in saved.new_ids)
    store.set_read(saved.new_ids, False)
    assert_counts_exact(store)
    store.remove_source(a)
    assert_counts_exact(store)
    assert store.count_items(ItemQuery(source_id=a)) == 0


def test_filters_the_cache_cannot_answer_still_count_rows(store: Store) -> None:
    a, _ = store.add_source("https://a.test/feed", "A")
    saved = store.save_items(a, [(item(f"a{n}"), themed("chips")) for n in range(5)])
    store.set_starred(saved.new_ids[:2])
    store.add_tags(saved.new_ids[:3], ["brief"])
    assert store.count_items(ItemQuery(starred=True)) == 2
    assert store.count_items(ItemQuery(theme="chips", tag="brief")) == 3
    assert store.count_items(ItemQuery(source_id=a, theme="chips")) == 5
    assert store.count_items(ItemQuery(search="body")) == 5


def test_migration_fills_the_counts_from_existing_rows(tmp_path: Path) -> None:
    path = tmp_path / "v4.db"
    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn)
    for number in range(4):
        MIGRATIONS[number](db)
    conn.execute("PRAGMA user_version = 4")
    conn.execute("INSERT INTO sources(url, title, kind) VALUES ('https://x.test/f', 'X', 'feed')")
    for n in range(6):
        conn.execute(
            "INSERT INTO items(source_id, guid, title, text, read, starred) "
            "VALUES (1, ?, 't', 'x', ?, 0)",
            (f"g{n}", n % 2),
        )
        conn.execute(
            "INSERT INTO item_themes(item_id, theme, score, origin) VALUES (?, 'chips', ?, 'rule')",
            (n + 1, 0.0 if n == 5 else 0.7),
        )
    conn.close()
    with Store.open(path) as store:
        assert store.source_summaries()[0].total == 6
        assert store.source_summaries()[0].unread == 3
        assert store.theme_counts() == {"chips": (5, 3)}
        assert_counts_exact(store)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 11)), min_size=1, max_size=40))
def test_counts_stay_exact_under_random_operations(tmp_path_factory: object, ops: list) -> None:
    path = Path(tmp_path_factory.mktemp("counts")) / "c.db"  # type: ignore[attr-defined]
    rng = random.Random(len(ops))
    with Store.open(path) as store:
        sources = [store.add_source(f"https://{n}.test/feed")[0] for n in range(3)]
        for kind, value in ops:
            ids = [row[0] for row in store.conn.execute("SELECT id FROM items")]
            source = sources[value % 3]
            if kind == 0:
                entries = [
                    (item(f"g{value}-{k}", str(rng.random())), themed(*rng.sample(THEMES, 2)))
                    for k in range(value % 4 + 1)
                ]
                store.save_items(source, entries)
            elif kind == 1 and ids:
                store.set_read(rng.sample(ids, min(len(ids), value % 5 + 1)), value % 2 == 0)
            elif kind == 2 and ids:
                accepted = (True, False, None)[value % 3]
                store.set_user_theme(rng.choice(ids), THEMES[value % 4], accepted)
            elif kind == 3 and ids:
                store.set_rule_classifications([(rng.choice(ids), themed(THEMES[value % 4]))])
            elif kind == 4:
                store.remove_source(source)
                sources[value % 3] = store.add_source(f"https://{value}x.test/feed")[0]
            elif kind == 5 and ids:
                store.mark_read_where(ItemQuery(theme=THEMES[value % 4]), value % 2 == 0)
        assert_counts_exact(store)
