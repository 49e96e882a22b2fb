"""Schema v7: watched views, alerts, the analyst's notes and the history of briefs.

Self-contained (no other migration depends on it, it depends only on v4's `views`), so
it can be renumbered at a merge. Notes live in their own table rather than a column of
`items`: refresh, re-theme and full-article fetches rewrite item rows and their labels,
and nothing of theirs ever writes `item_notes`, so a note cannot be lost by them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils


def migrate_watch_alerts_notes(db: sqlite_utils.Database) -> None:
    """Add `views.watched` (+ hook error), `alerts`, `item_notes` and `brief_runs`."""
    db.execute("ALTER TABLE views ADD COLUMN watched INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE views ADD COLUMN watched_at TEXT")
    db.execute("ALTER TABLE views ADD COLUMN hook_error TEXT")
    db.execute("ALTER TABLE views ADD COLUMN hook_error_at TEXT")
    # One alert per (view, story): five outlets carrying one story raise one alert.
    # `story` is the item's cluster id, or minus the item id when it has no cluster.
    db.execute(
        "CREATE TABLE alerts (id INTEGER PRIMARY KEY AUTOINCREMENT, "
        "view_id INTEGER NOT NULL, item_id INTEGER NOT NULL, story INTEGER NOT NULL, "
        "at TEXT NOT NULL, seen INTEGER NOT NULL DEFAULT 0, UNIQUE(view_id, story))"
    )
    db.execute("CREATE INDEX idx_alerts_item ON alerts(item_id)")
    db.execute("CREATE INDEX idx_alerts_unseen ON alerts(view_id) WHERE seen = 0")
    db.execute(
        "CREATE TRIGGER views_alerts_ad AFTER DELETE ON views BEGIN "
        "DELETE FROM alerts WHERE view_id = old.id; END"
    )
    db.execute(
        "CREATE TRIGGER items_alerts_ad AFTER DELETE ON items BEGIN "
        "DELETE FROM alerts WHERE item_id = old.id; END"
    )
    db.execute(
        "CREATE TABLE item_notes (item_id INTEGER PRIMARY KEY, note TEXT NOT NULL, "
        "updated_at TEXT NOT NULL)"
    )
    # The query planner counts item sets as items (see store._count_from_sets): a note
    # goes with its item when the item itself is deleted (its source removed). Retention
    # (keep_items) must therefore keep items that carry a note, as it keeps starred ones.
    db.execute(
        "CREATE TRIGGER items_notes_ad AFTER DELETE ON items BEGIN "
        "DELETE FROM item_notes WHERE item_id = old.id; END"
    )
    # What each brief listed, so the next brief of the same view can say what is new.
    db.execute(
        "CREATE TABLE brief_runs (id INTEGER PRIMARY KEY AUTOINCREMENT, view TEXT NOT NULL, "
        "at TEXT NOT NULL, since TEXT NOT NULL, until TEXT NOT NULL, stories TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX idx_brief_runs_view ON brief_runs(view, id)")
