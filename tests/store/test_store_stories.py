"""Story keys: one article syndicated by several sources is recognised as one story."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from tui.model import Classification, NewItem
from tui.store import Store
from tui.store.schema import _migrate_v1, _migrate_v2
from tui.store.story_keys import STORY_MIN_TEXT

LONG = "x" * STORY_MIN_TEXT


def item(guid: str, **kw: object) -> tuple[NewItem, Classification]:
    fields: dict[str, object] = {"title": guid, "text": ""} | kw
    return NewItem(guid=guid, **fields), Classification()  # type: ignore[arg-type]


def ids_by_guid(store: Store) -> dict[tuple[int, str], int]:
    rows = store.conn.execute("SELECT source_id, guid, id FROM items").fetchall()
    return {(r[0], r[1]): r[2] for r in rows}


def test_canonical_url_joins_sources() -> None:
    store = Store.memory()
    a, _ = store.add_source("https://a.example/feed")
    b, _ = store.add_source("https://b.example/feed")
    store.save_items(a, [item("1", canonical_url="https://news.example/story")])
    store.save_items(b, [item("x", canonical_url="https://news.example/story"), item("y")])
    ids = ids_by_guid(store)
    assert store.story_item_ids(ids[(a, "1")]) == sorted([ids[(a, "1")], ids[(b, "x")]])
    assert store.story_item_ids(ids[(b, "y")]) == [ids[(b, "y")]]


def test_content_hash_joins_only_distinctive_text() -> None:
    store = Store.memory()
    a, _ = store.add_source("https://a.example/feed")
    b, _ = store.add_source("https://b.example/feed")
    store.save_items(a, [item("long", content_hash="h1", text=LONG), item("s", content_hash="h2")])
    store.save_items(b, [item("long", content_hash="h1", text=LONG), item("s", content_hash="h2")])
    ids = ids_by_guid(store)
    assert len(store.story_item_ids(ids[(a, "long")])) == 2
    assert store.story_item_ids(ids[(a, "s")]) == [ids[(a, "s")]]  # too short to trust


def test_story_key_survives_updates_and_user_state() -> None:
    store = Store.memory()
    a, _ = store.add_source("https://a.example/feed")
    store.save_items(a, [item("1", canonical_url="https://n.example/1", text="v1")])
    (item_id,) = ids_by_guid(store).values()
    key = store.conn.execute("SELECT story_key FROM items").fetchone()[0]
    store.set_read([item_id])
    store.save_items(a, [item("1", canonical_url="https://n.example/2", text="v2")])
    assert store.conn.execute("SELECT story_key FROM items").fetchone()[0] == key


def test_migration_v3_backfills_story_keys(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    _migrate_v1(db)
    _migrate_v2(db)
    db.execute("PRAGMA user_version = 2")
    db.execute(
        "INSERT INTO sources(id, url, title) VALUES (1, 'https://a/', 'A'), (2, 'https://b/', 'B')"
    )
    rows = [
        (1, "g1", "https://n/1", "h", LONG),
        (2, "g2", "https://n/1", "h2", ""),
        (2, "g3", None, "h", LONG),
        (2, "g4", None, "h4", "short"),
    ]
    for source_id, guid, url, digest, text in rows:
        db.execute(
            "INSERT INTO items(source_id, guid, title, text, canonical_url, content_hash) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (source_id, guid, guid, text, url, digest),
        )
    db.conn.commit()
    db.close()
    with Store.open(path) as store:
        assert store.schema_version >= 3
        keys = dict(store.conn.execute("SELECT guid, story_key FROM items").fetchall())
    assert keys["g1"] == keys["g2"] == keys["g3"]
    assert keys["g4"] not in (keys["g1"], None)
