"""The schema: migrations v1.. in order (sqlite-utils), and the count triggers.

`PRAGMA user_version` records how many migrations ran; SCHEMA_VERSION is their number.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # sqlite-utils (~35 ms to import) is loaded when a migration runs
    import sqlite_utils

from tui.store.story_keys import _find_story_key, new_story_key


def _migrate_v1(db: sqlite_utils.Database) -> None:
    """The schema of DESIGN.md: sources, items (+FTS5), themes, actors, tags, fetches."""
    db["sources"].create(
        {
            "id": int,
            "url": str,
            "title": str,
            "site_url": str,
            "category": str,
            "kind": str,
            "etag": str,
            "last_modified": str,
            "checked_at": str,
            "ok_at": str,
            "status": int,
            "error": str,
            "error_count": int,
            "next_check_at": str,
            "disabled": int,
        },
        pk="id",
        not_null={"url", "title", "kind", "error_count", "disabled"},
        defaults={"kind": "feed", "error_count": 0, "disabled": 0},
    )
    db["sources"].create_index(["url"], unique=True)
    db["items"].create(
        {
            "id": int,
            "source_id": int,
            "guid": str,
            "url": str,
            "title": str,
            "author": str,
            "published": str,
            "fetched_at": str,
            "summary": str,
            "content": str,
            "text": str,
            "content_hash": str,
            "read": int,
            "starred": int,
        },
        pk="id",
        foreign_keys=[("source_id", "sources", "id")],
        not_null={"source_id", "guid", "title", "text", "read", "starred"},
        defaults={"read": 0, "starred": 0, "text": "", "title": ""},
    )
    db["items"].create_index(["source_id", "guid"], unique=True)
    db["items"].create_index(["published"])
    db["items"].create_index(["content_hash"])
    db["items"].enable_fts(["title", "text"], create_triggers=True, tokenize="porter")
    for table, column in (("item_themes", "theme"), ("item_actors", "actor"), ("tags", "tag")):
        columns: dict[str, type] = {"item_id": int, column: str}
        if table == "item_themes":
            columns |= {"score": float, "origin": str}
        if table == "tags":
            columns |= {"created_at": str}
        db[table].create(
            columns,
            pk=("item_id", column),
            foreign_keys=[("item_id", "items", "id")],
            not_null=set(columns),
        )
        db[table].create_index([column, "item_id"])
    db["fetches"].create(
        {
            "id": int,
            "source_id": int,
            "at": str,
            "status": int,
            "bytes": int,
            "duration_ms": int,
            "new_items": int,
            "error": str,
        },
        pk="id",
        foreign_keys=[("source_id", "sources", "id")],
        not_null={"source_id", "at"},
    )
    db["fetches"].create_index(["source_id", "at"])


def _migrate_v2(db: sqlite_utils.Database) -> None:
    """What the poller and the list need: a sort key, story keys, body hashes, meta."""
    items = db["items"]
    items.add_column("sort_at", str)
    items.add_column("lang", str)
    items.add_column("canonical_url", str)
    items.add_column("story_key", str)
    db.execute("UPDATE items SET sort_at = COALESCE(published, fetched_at, '')")
    items.create_index(["sort_at"])
    items.create_index(["source_id", "sort_at"])
    items.create_index(["story_key"])
    sources = db["sources"]
    sources.add_column("disabled_reason", str)
    sources.add_column("body_hash", str)
    sources.add_column("added_at", str)
    db["meta"].create({"key": str, "value": str}, pk="key")


def _migrate_v3(db: sqlite_utils.Database) -> None:
    """Story keys for the items stored before the poller assigned them at save time."""
    db["items"].create_index(["canonical_url"])
    rows = db.execute(
        "SELECT id, source_id, guid, canonical_url, content_hash, text FROM items "
        "WHERE story_key IS NULL ORDER BY id"
    ).fetchall()
    # Triggers re-index FTS on any UPDATE of items; this is a one-off over existing rows.
    for item_id, source_id, guid, canonical, digest, text in rows:
        key = _find_story_key(db.conn, canonical, digest, text or "") or new_story_key(
            source_id, guid
        )
        db.execute("UPDATE items SET story_key = ? WHERE id = ?", (key, item_id))


def _migrate_v4(db: sqlite_utils.Database) -> None:
    """Saved views; FTS re-indexes only when title or text change, not on read/star."""
    db.execute("DROP TRIGGER IF EXISTS items_au")
    db.execute(
        'CREATE TRIGGER "items_au" AFTER UPDATE OF title, text ON "items" BEGIN\n'
        '  INSERT INTO "items_fts" ("items_fts", rowid, "title", "text") '
        'VALUES(\'delete\', old.rowid, old."title", old."text");\n'
        '  INSERT INTO "items_fts" (rowid, "title", "text") '
        'VALUES (new.rowid, new."title", new."text");\n'
        "END"
    )
    db["views"].create(
        {"id": int, "name": str, "query": str, "created_at": str},
        pk="id",
        not_null={"name", "query"},
    )
    db["views"].create_index(["name"], unique=True)


# Counts kept by triggers (schema v6), so the panels never count a large table:
# source_counts: items and unread items per source; theme_counts: items and unread
# items per theme among themes with score > 0 (what theme filters match). Every write
# path keeps them exact through these triggers. Note: an `INSERT OR REPLACE` on items
# or item_themes would delete rows without firing delete triggers (SQLite fires them
# for REPLACE only with recursive_triggers on): use UPSERT (`ON CONFLICT DO UPDATE`).
_COUNT_TRIGGERS = (
    """CREATE TRIGGER items_counts_ai AFTER INSERT ON items BEGIN
  INSERT INTO source_counts(source_id, total, unread) VALUES (new.source_id, 1, new.read = 0)
  ON CONFLICT(source_id) DO UPDATE SET total = total + 1, unread = unread + excluded.unread;
END""",
    """CREATE TRIGGER items_counts_ad AFTER DELETE ON items BEGIN
  UPDATE source_counts SET total = total - 1, unread = unread - (old.read = 0)
  WHERE source_id = old.source_id;
END""",
    """CREATE TRIGGER items_counts_au_read AFTER UPDATE OF read ON items
WHEN old.read IS NOT new.read AND old.source_id IS new.source_id BEGIN
  UPDATE source_counts SET unread = unread + (new.read = 0) - (old.read = 0)
  WHERE source_id = new.source_id;
  UPDATE theme_counts SET unread = unread + (new.read = 0) - (old.read = 0)
  WHERE theme IN (SELECT theme FROM item_themes WHERE item_id = new.id AND score > 0);
END""",
    """CREATE TRIGGER items_counts_au_source AFTER UPDATE OF source_id ON items
WHEN old.source_id IS NOT new.source_id BEGIN
  UPDATE source_counts SET total = total - 1, unread = unread - (old.read = 0)
  WHERE source_id = old.source_id;
  INSERT INTO source_counts(source_id, total, unread) VALUES (new.source_id, 1, new.read = 0)
  ON CONFLICT(source_id) DO UPDATE SET total = total + 1, unread = unread + excluded.unread;
  UPDATE theme_counts SET unread = unread + (new.read = 0) - (old.read = 0)
  WHERE old.read IS NOT new.read
    AND theme IN (SELECT theme FROM item_themes WHERE item_id = new.id AND score > 0);
END""",
    """CREATE TRIGGER item_themes_counts_ai AFTER INSERT ON item_themes
WHEN new.score > 0 BEGIN
  INSERT INTO theme_counts(theme, total, unread)
  VALUES (new.theme, 1, coalesce((SELECT read = 0 FROM items WHERE id = new.item_id), 0))
  ON CONFLICT(theme) DO UPDATE SET total = total + 1, unread = unread + excluded.unread;
END""",
    """CREATE TRIGGER item_themes_counts_ad AFTER DELETE ON item_themes
WHEN old.score > 0 BEGIN
  UPDATE theme_counts SET total = total - 1,
    unread = unread - coalesce((SELECT read = 0 FROM items WHERE id = old.item_id), 0)
  WHERE theme = old.theme;
END""",
    """CREATE TRIGGER item_themes_counts_au AFTER UPDATE OF item_id, theme, score ON item_themes
WHEN (old.score > 0) IS NOT (new.score > 0) OR old.theme IS NOT new.theme
  OR old.item_id IS NOT new.item_id BEGIN
  UPDATE theme_counts SET total = total - 1,
    unread = unread - coalesce((SELECT read = 0 FROM items WHERE id = old.item_id), 0)
  WHERE old.score > 0 AND theme = old.theme;
  INSERT INTO theme_counts(theme, total, unread)
  SELECT new.theme, 1, coalesce((SELECT read = 0 FROM items WHERE id = new.item_id), 0)
  WHERE new.score > 0
  ON CONFLICT(theme) DO UPDATE SET total = total + 1, unread = unread + excluded.unread;
END""",
)


def _migrate_v6(db: sqlite_utils.Database) -> None:
    """Cached counts for the panels (see _COUNT_TRIGGERS), filled from the data once."""
    db.execute(
        "CREATE TABLE source_counts (source_id INTEGER PRIMARY KEY, "
        "total INTEGER NOT NULL DEFAULT 0, unread INTEGER NOT NULL DEFAULT 0)"
    )
    db.execute(
        "CREATE TABLE theme_counts (theme TEXT PRIMARY KEY, "
        "total INTEGER NOT NULL DEFAULT 0, unread INTEGER NOT NULL DEFAULT 0)"
    )
    db.execute(
        "INSERT INTO source_counts(source_id, total, unread) "
        "SELECT source_id, COUNT(*), SUM(read = 0) FROM items GROUP BY source_id"
    )
    db.execute(
        "INSERT INTO theme_counts(theme, total, unread) "
        "SELECT t.theme, COUNT(*), SUM(i.read = 0) FROM item_themes t "
        "JOIN items i ON i.id = t.item_id WHERE t.score > 0 GROUP BY t.theme"
    )
    for trigger in _COUNT_TRIGGERS:
        db.execute(trigger)


def _migrate_v5(db: sqlite_utils.Database) -> None:
    """Story clusters: near-duplicate articles across sources grouped into stories.

    `items.cluster_id` names an item's story (a `stories` row); `items.story_head` is 1
    on the story's newest item, 0 on the others (a partial index lists heads by date).
    `story_sketches` keeps each article's feature hashes and MinHash band keys, one row
    per item in id order, so ingest writes stay sequential; the band index that finds
    candidates is built from them per day, in memory (see `Store.assign_stories`). A
    trigger keeps stories right when items are deleted. Existing items are clustered
    here, oldest first.
    """
    items = db["items"]
    items.add_column("cluster_id", int)
    items.add_column("story_head", int)
    db.execute("CREATE INDEX idx_items_cluster ON items(cluster_id, source_id)")
    db.execute("CREATE INDEX idx_items_story_heads ON items(sort_at) WHERE story_head = 1")
    db.execute(
        "CREATE TABLE stories (id INTEGER PRIMARY KEY AUTOINCREMENT, head_id INTEGER NOT NULL, "
        "first_at TEXT, last_at TEXT, items INTEGER NOT NULL, sources INTEGER NOT NULL)"
    )
    db.execute(
        "CREATE TABLE story_sketches (item_id INTEGER PRIMARY KEY, features BLOB NOT NULL, "
        "bands BLOB NOT NULL)"
    )
    db.execute(
        "CREATE TRIGGER items_story_ad AFTER DELETE ON items WHEN old.cluster_id IS NOT NULL "
        "BEGIN\n"
        "  DELETE FROM story_sketches WHERE item_id = old.id;\n"
        "  UPDATE items SET story_head = 1 WHERE old.story_head = 1 AND id = (SELECT id FROM "
        "items WHERE cluster_id = old.cluster_id ORDER BY sort_at DESC, id DESC LIMIT 1);\n"
        "  UPDATE stories SET items = items - 1, head_id = COALESCE((SELECT id FROM items "
        "WHERE cluster_id = old.cluster_id AND story_head = 1), head_id), sources = (SELECT "
        "count(DISTINCT source_id) FROM items WHERE cluster_id = old.cluster_id) "
        "WHERE id = old.cluster_id;\n"
        "  DELETE FROM stories WHERE id = old.cluster_id AND items <= 0;\n"
        "END"
    )
    # by date: the window of days held in memory then slides once over the calendar
    ids = [row[0] for row in db.execute("SELECT id FROM items ORDER BY sort_at, id")]
    from tui.store.stories import StoriesPart  # lazy: the stories part builds on this module

    StoriesPart(db.conn, None).assign_stories(ids)


MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (
    _migrate_v1,
    _migrate_v2,
    _migrate_v3,
    _migrate_v4,
    _migrate_v5,
    _migrate_v6,
)
SCHEMA_VERSION = len(MIGRATIONS)
