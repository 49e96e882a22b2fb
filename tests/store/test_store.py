"""The store: schema, migrations, idempotent saves, user state that survives, search."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
import sqlite_utils

from tui.model import Classification, ItemQuery, NewItem, ThemeScore
from tui.store import Store, StoreError
from tui.store.planner import fts_query
from tui.store.schema import MIGRATIONS, SCHEMA_VERSION


def make_item(guid: str, title: str = "Title", text: str = "body", **kw: object) -> NewItem:
    return NewItem(guid=guid, title=title, text=text, content_hash=f"h-{guid}-{title}-{text}", **kw)  # type: ignore[arg-type]


def classified(*themes: tuple[str, float], actors: tuple[str, ...] = ()) -> Classification:
    return Classification(tuple(ThemeScore(t, s) for t, s in themes), actors)


def test_new_database_has_schema_wal_and_pragmas(store: Store) -> None:
    assert store.schema_version == SCHEMA_VERSION
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    tables = set(store.db.table_names())
    assert {
        "sources",
        "items",
        "items_fts",
        "item_themes",
        "item_actors",
        "tags",
        "fetches",
    } <= tables


def test_v1_database_opens_under_current_code_without_loss(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn)
    MIGRATIONS[0](db)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO sources(url, title, kind) VALUES ('https://x.test/feed', 'X', 'feed')"
    )
    conn.execute(
        "INSERT INTO items(source_id, guid, title, text, published, read, starred) "
        "VALUES (1, 'g1', 'Old item', 'export controls on chips', "
        "'2024-05-01T00:00:00+00:00', 1, 1)"
    )
    conn.execute("INSERT INTO tags(item_id, tag, created_at) VALUES (1, 'brief', 'now')")
    conn.execute(
        "INSERT INTO item_themes(item_id, theme, score, origin) VALUES (1, 'chips', 1.0, 'user')"
    )
    conn.close()

    with Store.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        item = store.get_item(1)
        assert item is not None
        assert (item.title, item.read, item.starred, item.tags) == (
            "Old item",
            True,
            True,
            ["brief"],
        )
        assert [t.id for t in item.themes] == ["chips"]
        assert store.list_items(ItemQuery(search="export"))[0].id == 1
        sort_at = store.conn.execute("SELECT sort_at FROM items WHERE id = 1").fetchone()[0]
        assert sort_at == "2024-05-01T00:00:00+00:00"


def test_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    with Store.open(path) as store:
        store.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer"):
        Store.open(path)
    assert path.read_bytes() == before


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos(id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not an aigeo"):
        Store.open(path)
    assert sqlite_utils.Database(path).table_names() == ["photos"]


def test_garbage_file_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not a usable aigeo database"):
        Store.open(path)


def test_save_items_is_idempotent(store: Store) -> None:
    source_id, created = store.add_source("https://a.test/feed", "A")
    assert created and store.add_source("https://a.test/feed", "A") == (source_id, False)
    entries = [(make_item("1"), classified(("chips", 0.8))), (make_item("2"), classified())]
    first = store.save_items(source_id, entries)
    second = store.save_items(source_id, entries)
    assert len(first.new_ids) == 2 and second.new_ids == [] and second.unchanged == 2
    assert store.count_items() == 2


def test_changed_item_is_updated_but_user_state_survives(store: Store) -> None:
    source_id, _ = store.add_source("https://a.test/feed", "A")
    [item_id] = store.save_items(source_id, [(make_item("1"), classified(("chips", 0.8)))]).new_ids
    store.set_read([item_id])
    store.set_starred([item_id])
    store.add_tags([item_id], ["brief", "follow-up"])
    store.set_user_theme(item_id, "chips", False)  # the user rejects the guess
    store.set_user_theme(item_id, "defense", True)  # and adds one it missed

    changed = make_item("1", title="Title (updated)", text="new body")
    result = store.save_items(source_id, [(changed, classified(("chips", 0.9), ("compute", 0.4)))])
    assert result.updated_ids == [item_id]
    item = store.get_item(item_id)
    assert item is not None
    assert item.title == "Title (updated)" and item.read and item.starred
    assert item.tags == ["brief", "follow-up"]
    assert {t.id: t.origin for t in item.themes} == {"defense": "user", "compute": "rule"}
    assert store.user_theme_decisions(item_id) == {"chips": False, "defense": True}


def test_listing_is_newest_first_and_filters(store: Store) -> None:
    a, _ = store.add_source("https://a.test/feed", "A")
    b, _ = store.add_source("https://b.test/feed", "B")
    store.save_items(
        a,
        [
            (make_item("old", published="2024-01-01T00:00:00+00:00"), classified(("chips", 0.5))),
            (make_item("new", published="2025-01-01T00:00:00+00:00"), classified(("safety", 0.5))),
        ],
    )
    store.save_items(
        b,
        [
            (
                make_item("mid", title="Nvidia H20 rules", published="2024-06-01T00:00:00+00:00"),
                classified(("chips", 0.7), actors=("Nvidia",)),
            )
        ],
    )
    guids = [r.title for r in store.list_items()]
    assert len(guids) == 3
    dates = [r.published for r in store.list_items()]
    assert dates == sorted(dates, reverse=True)
    assert {r.source for r in store.list_items(ItemQuery(theme="chips"))} == {"A", "B"}
    assert [r.source for r in store.list_items(ItemQuery(source_id=b))] == ["B"]
    assert [r.title for r in store.list_items(ItemQuery(actor="Nvidia"))] == ["Nvidia H20 rules"]
    assert store.theme_counts() == {"chips": (2, 2), "safety": (1, 1)}
    assert [(s.source.title, s.total) for s in store.source_summaries()] == [("A", 2), ("B", 1)]


@pytest.mark.parametrize(
    "query", ['"', "AND", "OR NOT", "*", "-", "NEAR(", "col:x", "'", "((", "a AND", '"""', "^"]
)
def test_hostile_search_text_never_raises(store: Store, query: str) -> None:
    source_id, _ = store.add_source("https://a.test/feed", "A")
    store.save_items(source_id, [(make_item("1", title="AND OR NOT"), classified())])
    store.list_items(ItemQuery(search=query))
    store.count_items(ItemQuery(search=query))


def test_search_matches_title_and_text_with_stemming_and_prefix(store: Store) -> None:
    source_id, _ = store.add_source("https://a.test/feed", "A")
    store.save_items(
        source_id,
        [
            (
                make_item("1", title="Export controls tighten", text="on advanced chips"),
                classified(),
            ),
            (make_item("2", title="Weather", text="sunny"), classified()),
        ],
    )
    assert [r.id for r in store.list_items(ItemQuery(search="control"))] == [1]
    assert [r.id for r in store.list_items(ItemQuery(search="chip"))] == [1]
    assert [r.id for r in store.list_items(ItemQuery(search="adv*"))] == [1]
    assert store.list_items(ItemQuery(search="export sunny")) == []
    assert fts_query('say "hi" *') == '"say" """hi"""'


def test_remove_source_removes_its_items_only(store: Store) -> None:
    a, _ = store.add_source("https://a.test/feed", "A")
    b, _ = store.add_source("https://b.test/feed", "B")
    [ia] = store.save_items(a, [(make_item("1"), classified(("chips", 0.5)))]).new_ids
    store.save_items(b, [(make_item("1"), classified())])
    store.add_tags([ia], ["x"])
    assert store.remove_source(a) == 1
    assert store.count_items() == 1 and store.tag_counts() == {}
    assert store.integrity_check() == "ok"


def test_two_connections_writing_at_once_do_not_lock(db_path: Path) -> None:
    with Store.open(db_path) as setup:
        source_id, _ = setup.add_source("https://a.test/feed", "A")
    errors: list[BaseException] = []

    def writer(prefix: str) -> None:
        try:
            with Store.open(db_path) as own:
                for n in range(60):
                    own.save_items(source_id, [(make_item(f"{prefix}{n}"), classified())])
                    own.set_read([1], n % 2 == 0)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(p,)) for p in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Store.open(db_path) as check:
        assert check.count_items() == 120


def test_marking_read_does_not_reindex_fts(store: Store) -> None:
    source_id, _ = store.add_source("https://a.test/feed", "A")
    [item_id] = store.save_items(
        source_id, [(make_item("1", title="tariffs"), classified())]
    ).new_ids
    before = store.conn.total_changes
    store.set_read([item_id])
    # the row and its source's cached unread count (v6), no FTS delete+insert
    assert store.conn.total_changes - before == 2
    assert [r.id for r in store.list_items(ItemQuery(search="tariffs"))] == [item_id]
    store.save_items(source_id, [(make_item("1", title="quotas"), classified())])
    assert store.list_items(ItemQuery(search="tariffs")) == []
    assert [r.id for r in store.list_items(ItemQuery(search="quotas"))] == [item_id]


def test_saved_views(store: Store) -> None:
    first = store.save_view("Chips brief", "theme:chips tag:brief")
    assert store.save_view("Chips brief", "theme:chips") == first
    store.save_view("alpha", "is:unread")
    assert [(n, q) for _, n, q in store.views()] == [
        ("alpha", "is:unread"),
        ("Chips brief", "theme:chips"),
    ]
    assert store.delete_view(first) and not store.delete_view(first)
