"""The store's counts part: label counts for the panels, daily series for trends,
co-occurrence, and saved views.
"""

from __future__ import annotations

from tui.model import (
    ItemQuery,
)
from tui.store.base import StoreBase, utc_now
from tui.store.planner import _build_where


class CountsPart(StoreBase):
    """Counts over labels and days (panels, trends, briefs) and saved views."""

    def theme_counts(self) -> dict[str, tuple[int, int]]:
        """Theme id → (items, unread items) for every theme with at least one item."""
        return {
            row[0]: (row[1], row[2])
            for row in self.conn.execute(
                "SELECT theme, total, unread FROM theme_counts WHERE total > 0"
            )
        }

    def theme_daily_counts(self, since: str) -> dict[str, dict[str, int]]:
        """Theme id → {ISO day → items} for items dated on or after `since` (ISO)."""
        result: dict[str, dict[str, int]] = {}
        # CROSS JOIN: the recent items (sort_at index) drive; without statistics SQLite
        # may otherwise walk every item_themes row for the GROUP BY (2 s at 1M items).
        for theme, day, count in self.conn.execute(
            "SELECT t.theme, substr(i.sort_at, 1, 10) AS day, COUNT(*) FROM items i "
            "CROSS JOIN item_themes t ON t.item_id = i.id "
            "WHERE i.sort_at >= ? AND t.score > 0 GROUP BY t.theme, day",
            (since,),
        ):
            result.setdefault(theme, {})[day] = count
        return result

    def tag_counts(self) -> dict[str, int]:
        """Tag → number of items carrying it."""
        return {
            row[0]: row[1]
            for row in self.conn.execute("SELECT tag, COUNT(*) FROM tags GROUP BY tag ORDER BY tag")
        }

    def actor_counts(self, limit: int = 50) -> list[tuple[str, int]]:
        """The most-named actors with their item counts."""
        return [
            (row[0], row[1])
            for row in self.conn.execute(
                "SELECT actor, COUNT(*) AS n FROM item_actors GROUP BY actor "
                "ORDER BY n DESC, actor LIMIT ?",
                (limit,),
            )
        ]

    # ----------------------------------------------------------------- saved views

    def save_view(self, name: str, query: str) -> int:
        """Save (or replace) a named search; returns its id."""
        with self.write():
            self.conn.execute(
                "INSERT INTO views(name, query, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET query = excluded.query",
                (name, query, utc_now()),
            )
            row = self.conn.execute("SELECT id FROM views WHERE name = ?", (name,)).fetchone()
        return int(row[0])

    def views(self) -> list[tuple[int, str, str]]:
        """Saved views as (id, name, query), by name."""
        return [
            (r[0], r[1], r[2])
            for r in self.conn.execute("SELECT id, name, query FROM views ORDER BY lower(name)")
        ]

    def view_badges(self) -> list[tuple[int, str, str, bool, int]]:
        """Saved views as (id, name, query, watched, unseen alerts), by name: what the
        Sources panel shows (tui.analysis.watch.view_infos has the rest; the panel is
        drawn in the first frame, which does not wait for that module)."""
        return [
            (int(r[0]), str(r[1]), str(r[2]), bool(r[3]), int(r[4]))
            for r in self.conn.execute(
                "SELECT v.id, v.name, v.query, v.watched, "
                "(SELECT count(*) FROM alerts a WHERE a.view_id = v.id AND a.seen = 0) "
                "FROM views v ORDER BY lower(v.name)"
            )
        ]

    def delete_view(self, view_id: int) -> bool:
        """Forget a saved view."""
        with self.write():
            return self.conn.execute("DELETE FROM views WHERE id = ?", (view_id,)).rowcount > 0

    def daily_label_counts(self, kind: str, since: str, before: str) -> dict[str, dict[str, int]]:
        """Theme or actor (`kind`) → {ISO day → items} for items in [since, before)."""
        table, column, condition = {
            "theme": ("item_themes", "theme", "AND t.score > 0"),
            "actor": ("item_actors", "actor", ""),
        }[kind]
        result: dict[str, dict[str, int]] = {}
        for label, day, count in self.conn.execute(
            f"SELECT t.{column}, substr(i.sort_at, 1, 10) AS day, COUNT(*) FROM items i "
            f"JOIN {table} t ON t.item_id = i.id WHERE i.sort_at >= ? AND i.sort_at < ? "
            f"{condition} GROUP BY t.{column}, day",
            (since, before),
        ):
            result.setdefault(label, {})[day] = count
        return result

    def label_story_counts(
        self, kind: str, since: str, before: str, query: ItemQuery | None = None
    ) -> dict[str, tuple[int, int]]:
        """Theme or actor (`kind`) → (stories, articles) among the items dated in
        [since, before) (and matching `query`, when given). A story is a cluster of
        near-duplicates (an item without one is its own story): five outlets carrying
        one story count once."""
        from dataclasses import replace

        table, column, condition = {
            "theme": ("item_themes", "theme", "AND t.score > 0"),
            "actor": ("item_actors", "actor", ""),
        }[kind]
        subset = ""
        params: list[object] = []
        if query is not None:
            narrowed = replace(query, since=None, before=None, stories=False)
            where, params = _build_where(narrowed)
            if where != "1":
                subset = f"AND i.id IN (SELECT i.id FROM items i WHERE {where})"
        return {
            str(r[0]): (int(r[1]), int(r[2]))
            for r in self.conn.execute(
                f"SELECT t.{column}, count(DISTINCT coalesce(i.cluster_id, -i.id)), count(*) "
                f"FROM items i JOIN {table} t ON t.item_id = i.id "
                f"WHERE i.sort_at >= ? AND i.sort_at < ? {condition} {subset} "
                f"GROUP BY t.{column}",
                (since, before, *params),
            )
        }

    def story_count_between(
        self, since: str, before: str, query: ItemQuery | None = None
    ) -> tuple[int, int]:
        """(stories, articles) among the items dated in [since, before) matching `query`."""
        from dataclasses import replace

        narrowed = replace(query or ItemQuery(), since=since, before=before, stories=False)
        where, params = _build_where(narrowed)
        row = self.conn.execute(
            "SELECT count(DISTINCT coalesce(i.cluster_id, -i.id)), count(*) FROM items i "
            f"WHERE {where}",
            params,
        ).fetchone()
        return int(row[0] or 0), int(row[1] or 0)

    def cooccurrence(self, since: str, before: str) -> dict[tuple[str, str], int]:
        """(actor, theme) → items naming the actor with the theme, in [since, before)."""
        return {
            (row[0], row[1]): row[2]
            for row in self.conn.execute(
                "SELECT a.actor, t.theme, COUNT(*) FROM items i "
                "JOIN item_actors a ON a.item_id = i.id JOIN item_themes t ON t.item_id = i.id "
                "WHERE i.sort_at >= ? AND i.sort_at < ? AND t.score > 0 "
                "GROUP BY a.actor, t.theme",
                (since, before),
            )
        }

    def actor_counts_in(self, query: ItemQuery, limit: int = 50) -> list[tuple[str, int]]:
        """The actors named by the items of a filter (its own actor filter left out),
        most named first."""
        from dataclasses import replace

        narrowed = replace(query, actor=None, actor_groups=(), stories=False)
        where, params = _build_where(narrowed)
        subset = f"WHERE a.item_id IN (SELECT i.id FROM items i WHERE {where})"
        if where == "1":
            subset = ""
        return [
            (row[0], row[1])
            for row in self.conn.execute(
                f"SELECT a.actor, COUNT(*) AS n FROM item_actors a {subset} "
                "GROUP BY a.actor ORDER BY n DESC, a.actor LIMIT ?",
                (*params, limit),
            )
        ]
