"""The store's labels part: item themes (rule and user), actors and tags."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tui.model import (
    Classification,
    ItemRow,
    ThemeScore,
)
from tui.store.base import StoreBase, utc_now
from tui.store.bulk import insert_rows


class LabelsPart(StoreBase):
    """What is attached to items: rule classifications (themes, actors), user theme
    decisions and tags."""

    def _replace_rule_classification(self, item_id: int, classification: Classification) -> None:
        """Swap the classifier's themes and the actors of one item; user decisions stay."""
        self.set_rule_classifications([(item_id, classification)])

    def set_rule_classifications(self, batch: Iterable[tuple[int, Classification]]) -> int:
        """Swap the classifier's themes and the actors of many items in one transaction;
        user decisions stay. Returns how many were written.

        Two deletes and two multi-row inserts for the whole batch (items share no rows;
        each item's actors keep their order).
        """
        items = list(batch)
        ids = [(item_id,) for item_id, _ in items]
        with self.write():
            self.conn.executemany(
                "DELETE FROM item_themes WHERE item_id = ? AND origin = 'rule'", ids
            )
            insert_rows(
                self.conn,
                "INSERT OR IGNORE INTO item_themes(item_id, theme, score, origin)",
                [(item_id, t.id, t.score) for item_id, c in items for t in c.themes],
                "(?, ?, ?, 'rule')",
            )
            self.conn.executemany("DELETE FROM item_actors WHERE item_id = ?", ids)
            insert_rows(
                self.conn,
                "INSERT OR IGNORE INTO item_actors(item_id, actor)",
                [(item_id, actor) for item_id, c in items for actor in c.actors],
            )
        return len(items)

    def update_rule_classifications(self, batch: Sequence[tuple[int, Classification]]) -> int:
        """Re-theme many items in one transaction, writing only those whose rule themes or
        actors would change (the result is that of set_rule_classifications). Returns
        how many items were rewritten."""
        changed = self.changed_rule_classifications(batch)
        if changed:
            self.set_rule_classifications(changed)
        return len(changed)

    def changed_rule_classifications(
        self, batch: Sequence[tuple[int, Classification]]
    ) -> list[tuple[int, Classification]]:
        """The entries of `batch` that set_rule_classifications would change: whose rule
        themes (those without a user decision) or actors (in order) differ."""
        ids = [item_id for item_id, _ in batch]
        rules: dict[int, dict[str, float]] = {i: {} for i in ids}
        users: dict[int, set[str]] = {i: set() for i in ids}
        actors: dict[int, list[str]] = {i: [] for i in ids}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for item_id, theme, score, origin in self.conn.execute(
                f"SELECT item_id, theme, score, origin FROM item_themes WHERE item_id IN ({marks})",
                chunk,
            ):
                if origin == "rule":
                    rules[item_id][theme] = score
                else:
                    users[item_id].add(theme)
            for item_id, actor in self.conn.execute(
                f"SELECT item_id, actor FROM item_actors WHERE item_id IN ({marks}) ORDER BY rowid",
                chunk,
            ):
                actors[item_id].append(actor)
        changed = []
        for item_id, classification in batch:
            wanted: dict[str, float] = {}  # what INSERT OR IGNORE would leave: first wins
            for theme in classification.themes:
                if theme.id not in users[item_id] and theme.id not in wanted:
                    wanted[theme.id] = theme.score
            if (
                wanted != rules[item_id]
                or list(dict.fromkeys(classification.actors)) != (actors[item_id])
            ):
                changed.append((item_id, classification))
        return changed

    def add_tags(self, item_ids: Iterable[int], tags: Iterable[str]) -> int:
        """Attach tags to items (existing pairs are kept). Returns pairs added."""
        pairs = [(i, t) for i in item_ids for t in tags]
        now = utc_now()
        with self.write():
            before = self.conn.total_changes
            self.conn.executemany(
                "INSERT OR IGNORE INTO tags(item_id, tag, created_at) VALUES (?, ?, ?)",
                [(i, t, now) for i, t in pairs],
            )
            return self.conn.total_changes - before

    def remove_tags(self, item_ids: Iterable[int], tags: Iterable[str]) -> int:
        """Detach tags from items. Returns pairs removed."""
        pairs = [(i, t) for i in item_ids for t in tags]
        with self.write():
            before = self.conn.total_changes
            self.conn.executemany("DELETE FROM tags WHERE item_id = ? AND tag = ?", pairs)
            return self.conn.total_changes - before

    def tags_of(self, item_ids: Iterable[int]) -> dict[int, set[str]]:
        """Item id → its tags, for the given items."""
        ids = list(item_ids)
        found: dict[int, set[str]] = {i: set() for i in ids}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                f"SELECT item_id, tag FROM tags WHERE item_id IN ({marks})", chunk
            ):
                found[row[0]].add(row[1])
        return found

    def set_user_theme(self, item_id: int, theme: str, accepted: bool | None) -> None:
        """Record a user's theme decision: True adds/accepts, False rejects, None forgets it."""
        with self.write():
            if accepted is None:
                self.conn.execute(
                    "DELETE FROM item_themes WHERE item_id = ? AND theme = ? AND origin = 'user'",
                    (item_id, theme),
                )
                return
            self.conn.execute(
                "INSERT INTO item_themes(item_id, theme, score, origin) VALUES (?, ?, ?, 'user') "
                "ON CONFLICT(item_id, theme) DO UPDATE SET score = excluded.score, origin = 'user'",
                (item_id, theme, 1.0 if accepted else 0.0),
            )

    def _attach_labels(self, items: Sequence[ItemRow]) -> None:
        if not items:
            return
        by_id = {item.id: item for item in items}
        marks = ",".join("?" * len(by_id))
        ids = tuple(by_id)
        for row in self.conn.execute(
            f"SELECT item_id, tag FROM tags WHERE item_id IN ({marks}) ORDER BY tag", ids
        ):
            by_id[row[0]].tags.append(row[1])
        for row in self.conn.execute(
            f"SELECT item_id, theme, score, origin FROM item_themes "
            f"WHERE item_id IN ({marks}) AND score > 0 ORDER BY score DESC, theme",
            ids,
        ):
            by_id[row[0]].themes.append(ThemeScore(row[1], row[2], row[3]))
        for row in self.conn.execute(
            f"SELECT item_id, actor FROM item_actors WHERE item_id IN ({marks}) ORDER BY rowid",
            ids,
        ):
            by_id[row[0]].actors.append(row[1])
        for row in self.conn.execute(
            f"SELECT item_id, note FROM item_notes WHERE item_id IN ({marks})", ids
        ):
            by_id[row[0]].note = row[1]

    def user_theme_decisions(self, item_id: int) -> dict[str, bool]:
        """The user's theme decisions on an item: theme id → accepted."""
        return {
            row[0]: row[1] > 0
            for row in self.conn.execute(
                "SELECT theme, score FROM item_themes WHERE item_id = ? AND origin = 'user'",
                (item_id,),
            )
        }

    def user_decisions(self) -> list[tuple[int, str, bool]]:
        """Every user theme decision as (item id, theme, accepted), by item then theme."""
        return [
            (int(row[0]), str(row[1]), row[2] > 0)
            for row in self.conn.execute(
                "SELECT item_id, theme, score FROM item_themes WHERE origin = 'user' "
                "ORDER BY item_id, theme"
            )
        ]
