"""Per-feed retention: `[poll] keep_items` caps how many items one feed keeps.

A feed that rotates its GUIDs (every fetch looks like all-new items) would otherwise
grow the store without bound. After each stored fetch, the feed's items beyond the
newest `keep` (by date) are deleted, except:

- items the user marked: starred, tagged, with a note, with a theme decision, or with
  a fetched full article (their user state is the point of keeping them);
- items still in the document just fetched: deleting those would make them "new"
  again on the next refresh, so the cap never fights the feed itself. They count
  first towards `keep`; the rest of it goes to the newest of the others.

Rows that refer to a deleted item (themes, actors, tags, any other `item_id` table)
go with it; FTS, counts and stories follow through their triggers. Off by default.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

#: Items kept whatever their age: the user acted on them.
_PROTECTED = (
    "i.starred = 1",
    "EXISTS (SELECT 1 FROM tags t WHERE t.item_id = i.id)",
    "EXISTS (SELECT 1 FROM item_themes d WHERE d.item_id = i.id AND d.origin = 'user')",
)
_OPTIONAL_PROTECTED = {  # table or column → condition, when that part of the schema exists
    "item_notes": "EXISTS (SELECT 1 FROM item_notes n WHERE n.item_id = i.id)",
    "items.article_fetched": "i.article_fetched = 1",
}


def _protections(conn: sqlite3.Connection) -> list[str]:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    item_columns = {row[1] for row in conn.execute("PRAGMA table_info(items)")}
    found = list(_PROTECTED)
    for part, condition in _OPTIONAL_PROTECTED.items():
        table, _, column = part.partition(".")
        if (column and column in item_columns) or (not column and table in tables):
            found.append(condition)
    return found


def _item_tables(conn: sqlite3.Connection) -> list[str]:
    """Tables with an `item_id` column (FTS shadow tables excluded)."""
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'items_fts%'"
        )
    ]
    return [
        name
        for name in names
        if any(row[1] == "item_id" for row in conn.execute(f'PRAGMA table_info("{name}")'))
    ]


def prune_source(
    conn: sqlite3.Connection, source_id: int, keep: int, current_guids: Iterable[str] = ()
) -> int:
    """Delete a feed's items past the newest `keep` (see the module doc). Returns how many.

    Runs inside the caller's transaction.
    """
    if keep <= 0:
        return 0
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS retention_keep_guids (guid TEXT PRIMARY KEY)")
    conn.execute("DELETE FROM retention_keep_guids")
    conn.executemany(
        "INSERT OR IGNORE INTO retention_keep_guids VALUES (?)", ((g,) for g in current_guids)
    )
    protected = " OR ".join(_protections(conn))
    victims = [
        row[0]
        for row in conn.execute(
            f"""SELECT i.id FROM items i
                WHERE i.source_id = ?
                  AND i.id NOT IN (
                      SELECT id FROM items WHERE source_id = ?
                      ORDER BY guid IN (SELECT guid FROM retention_keep_guids) DESC,
                               sort_at DESC, id DESC
                      LIMIT ?)
                  AND i.guid NOT IN (SELECT guid FROM retention_keep_guids)
                  AND NOT ({protected})""",
            (source_id, source_id, keep),
        )
    ]
    conn.execute("DELETE FROM retention_keep_guids")
    if not victims:
        return 0
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS retention_victims (id INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM retention_victims")
    conn.executemany("INSERT INTO retention_victims VALUES (?)", ((v,) for v in victims))
    for table in _item_tables(conn):
        conn.execute(f'DELETE FROM "{table}" WHERE item_id IN (SELECT id FROM retention_victims)')
    removed = conn.execute("DELETE FROM items WHERE id IN (SELECT id FROM retention_victims)")
    conn.execute("DELETE FROM retention_victims")
    return removed.rowcount
