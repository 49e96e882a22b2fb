"""The store's sources part: the sources table, fetch log and due-source scheduling."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from tui.model import (
    Source,
    SourceSummary,
)
from tui.store.base import SEED_SOURCE_TITLE, SEED_SOURCE_URL, StoreBase, utc_now


def _source_from_row(row: sqlite3.Row) -> Source:
    keys = row.keys()
    return Source(
        id=row["id"],
        url=row["url"],
        title=row["title"],
        kind=row["kind"],
        site_url=row["site_url"],
        category=row["category"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        checked_at=row["checked_at"],
        ok_at=row["ok_at"],
        status=row["status"],
        error=row["error"],
        error_count=row["error_count"],
        next_check_at=row["next_check_at"],
        disabled=bool(row["disabled"]),
        disabled_reason=row["disabled_reason"] if "disabled_reason" in keys else None,
        body_hash=row["body_hash"] if "body_hash" in keys else None,
    )


class SourcesPart(StoreBase):
    """Feed and seed sources: adding, finding, health fields, the fetch log, scheduling."""

    # ----------------------------------------------------------------- sources

    def add_source(
        self,
        url: str,
        title: str | None = None,
        *,
        kind: str = "feed",
        site_url: str | None = None,
        category: str | None = None,
    ) -> tuple[int, bool]:
        """Add a source (or find it by URL). Returns (id, created)."""
        row = self.conn.execute("SELECT id FROM sources WHERE url = ?", (url,)).fetchone()
        if row:
            return int(row[0]), False
        with self.write():
            cur = self.conn.execute(
                "INSERT INTO sources(url, title, kind, site_url, category, added_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (url, title or url, kind, site_url, category, utc_now()),
            )
        return int(cur.lastrowid or 0), True

    def seed_source_id(self) -> int:
        """The id of the "Seed corpus" source, created on first use."""
        source_id, _ = self.add_source(SEED_SOURCE_URL, SEED_SOURCE_TITLE, kind="seed")
        return source_id

    def get_source(self, source_id: int) -> Source | None:
        """One source by id."""
        row = self.conn.execute("SELECT * FROM sources WHERE id = ?", (source_id,)).fetchone()
        return _source_from_row(row) if row else None

    def find_source(self, key: str) -> Source | None:
        """A source by id (digits), exact URL or case-insensitive title."""
        if key.isdigit():
            return self.get_source(int(key))
        row = self.conn.execute(
            "SELECT * FROM sources WHERE url = ? OR lower(title) = lower(?) ORDER BY id LIMIT 1",
            (key, key),
        ).fetchone()
        return _source_from_row(row) if row else None

    def sources(self) -> list[Source]:
        """All sources, seed corpus first, then by title."""
        rows = self.conn.execute(
            "SELECT * FROM sources ORDER BY kind = 'seed' DESC, lower(title), id"
        ).fetchall()
        return [_source_from_row(r) for r in rows]

    def source_summaries(self) -> list[SourceSummary]:
        """All sources with item and unread counts."""
        counts = {
            row[0]: (row[1], row[2])
            for row in self.conn.execute("SELECT source_id, total, unread FROM source_counts")
        }
        return [
            SourceSummary(
                source=s, total=counts.get(s.id, (0, 0))[0], unread=counts.get(s.id, (0, 0))[1] or 0
            )
            for s in self.sources()
        ]

    def remove_source(self, source_id: int) -> int:
        """Delete a source with its items and their user state. Returns items removed."""
        with self.write():
            ids = "SELECT id FROM items WHERE source_id = ?"
            for table in ("item_themes", "item_actors", "tags"):
                self.conn.execute(f"DELETE FROM {table} WHERE item_id IN ({ids})", (source_id,))
            removed = self.conn.execute(
                "DELETE FROM items WHERE source_id = ?", (source_id,)
            ).rowcount
            self.conn.execute("DELETE FROM fetches WHERE source_id = ?", (source_id,))
            self.conn.execute("DELETE FROM sources WHERE id = ?", (source_id,))
        return removed

    def update_source(self, source_id: int, **fields: object) -> None:
        """Set health/conditional-GET fields on a source (only known columns)."""
        allowed = {row[1] for row in self.conn.execute("PRAGMA table_info(sources)")} - {"id"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"unknown source fields: {', '.join(sorted(unknown))}")
        if not fields:
            return
        assignments = ", ".join(f"{name} = ?" for name in fields)
        with self.write():
            self.conn.execute(
                f"UPDATE sources SET {assignments} WHERE id = ?", (*fields.values(), source_id)
            )

    def record_fetch(
        self,
        source_id: int,
        *,
        status: int | None,
        nbytes: int,
        duration_ms: int,
        new_items: int,
        error: str | None,
        at: str | None = None,
    ) -> None:
        """Log one fetch attempt."""
        with self.write():
            self.conn.execute(
                "INSERT INTO fetches(source_id, at, status, bytes, duration_ms, new_items, error) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (source_id, at or utc_now(), status, nbytes, duration_ms, new_items, error),
            )

    def fetches(self, source_id: int, limit: int = 20) -> list[dict[str, object]]:
        """The latest fetch attempts of a source, newest first."""
        rows = self.conn.execute(
            "SELECT * FROM fetches WHERE source_id = ? ORDER BY id DESC LIMIT ?",
            (source_id, limit),
        ).fetchall()
        return [dict(r) for r in rows]

    # ----------------------------------------------------------------- poller

    def feed_sources(
        self, ids: Sequence[int] | None = None, *, include_disabled: bool = False
    ) -> list[Source]:
        """Feed sources (never the seed corpus): all enabled ones, or those with `ids`."""
        sql = "SELECT * FROM sources WHERE kind = 'feed'"
        params: list[object] = []
        if ids is not None:
            if not ids:
                return []
            sql += f" AND id IN ({','.join('?' * len(ids))})"
            params.extend(ids)
        if not include_disabled:
            sql += " AND disabled = 0"
        rows = self.conn.execute(sql + " ORDER BY id", params).fetchall()
        return [_source_from_row(r) for r in rows]

    def due_sources(self, now: str) -> list[Source]:
        """Enabled feed sources whose next check time has come (or was never set)."""
        rows = self.conn.execute(
            "SELECT * FROM sources WHERE kind = 'feed' AND disabled = 0 "
            "AND (next_check_at IS NULL OR next_check_at <= ?) ORDER BY next_check_at, id",
            (now,),
        ).fetchall()
        return [_source_from_row(r) for r in rows]

    def next_check_at(self) -> str | None:
        """The earliest next check time among enabled feed sources (None: one is due now)."""
        row = self.conn.execute(
            "SELECT COUNT(*), SUM(next_check_at IS NULL), MIN(next_check_at) FROM sources "
            "WHERE kind = 'feed' AND disabled = 0"
        ).fetchone()
        if not row[0] or row[1]:
            return None
        return str(row[2])

    def has_feed_sources(self) -> bool:
        """True when at least one enabled feed source exists."""
        row = self.conn.execute(
            "SELECT 1 FROM sources WHERE kind = 'feed' AND disabled = 0 LIMIT 1"
        ).fetchone()
        return row is not None

    def recent_item_times(self, source_id: int, limit: int = 12) -> list[str]:
        """The sort times (published, else fetched) of a source's newest items, newest first."""
        return [
            str(row[0])
            for row in self.conn.execute(
                "SELECT sort_at FROM items WHERE source_id = ? AND sort_at != '' "
                "ORDER BY sort_at DESC LIMIT ?",
                (source_id, limit),
            )
        ]

    def move_source(self, source_id: int, url: str) -> bool:
        """Point a source at a new URL (a permanent redirect). False if another source has it."""
        with self.write():
            taken = self.conn.execute(
                "SELECT 1 FROM sources WHERE url = ? AND id != ?", (url, source_id)
            ).fetchone()
            if taken:
                return False
            self.conn.execute("UPDATE sources SET url = ? WHERE id = ?", (url, source_id))
        return True
