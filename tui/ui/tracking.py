"""The user's tracking actions (read, star, tags, theme decisions), each undoable.

No Textual here: the app calls these and shows what they return.
"""

from __future__ import annotations

from tui.model import ItemQuery
from tui.store import Store
from tui.ui.undo import UndoLog


class Tracker:
    """Applies user actions to the store and records how to undo them."""

    def __init__(self, store: Store, undo: UndoLog | None = None) -> None:
        self.store = store
        self.undo_log = undo or UndoLog()

    def toggle_star(self, item_id: int, starred: bool) -> str:
        """Star or unstar one item."""
        self.store.set_starred([item_id], starred)
        self.undo_log.record(
            "star" if starred else "unstar", lambda: self.store.set_starred([item_id], not starred)
        )
        return "Starred" if starred else "Unstarred"

    def set_read(self, item_ids: list[int], read: bool, *, record: bool = True) -> str:
        """Mark items read or unread."""
        changed = self._changed_read(item_ids, read)
        self.store.set_read(changed, read)
        if record and changed:
            self.undo_log.record(
                "mark read" if read else "mark unread",
                lambda: self.store.set_read(changed, not read),
            )
        return f"Marked {len(changed)} {'read' if read else 'unread'}"

    def _changed_read(self, item_ids: list[int], read: bool) -> list[int]:
        return [i for i in item_ids if (item := self.store.get_item(i)) and item.read != read]

    def mark_all_read(self, query: ItemQuery) -> str:
        """Mark every item of a filter read."""
        changed = self.store.mark_read_where(query, True)
        if changed:
            self.undo_log.record("mark all read", lambda: self.store.set_read(changed, False))
        return f"Marked {len(changed)} read"

    def tag(self, item_ids: list[int], add: list[str], remove: list[str]) -> str:
        """Add and remove tags on items; only what actually changed is undone."""
        before = self.store.tags_of(item_ids)
        added = [(i, t) for i in item_ids for t in add if t not in before[i]]
        removed = [(i, t) for i in item_ids for t in remove if t in before[i]]
        for item_id, tag in added:
            self.store.add_tags([item_id], [tag])
        for item_id, tag in removed:
            self.store.remove_tags([item_id], [tag])

        def revert() -> None:
            for item_id, tag in added:
                self.store.remove_tags([item_id], [tag])
            for item_id, tag in removed:
                self.store.add_tags([item_id], [tag])

        if added or removed:
            self.undo_log.record("tag", revert)
        parts = []
        if added:
            parts.append(f"added {len(added)} tag{'s' if len(added) != 1 else ''}")
        if removed:
            parts.append(f"removed {len(removed)}")
        return (", ".join(parts) or "no tags changed").capitalize()

    def decide_themes(self, item_id: int, decisions: dict[str, bool | None]) -> str:
        """Record theme decisions (True add/accept, False reject, None back to automatic)."""
        previous = self.store.user_theme_decisions(item_id)
        for theme, decision in decisions.items():
            self.store.set_user_theme(item_id, theme, decision)

        def revert() -> None:
            for theme in decisions:
                self.store.set_user_theme(item_id, theme, previous.get(theme))

        if decisions:
            self.undo_log.record("theme decision", revert)
        return f"Saved {len(decisions)} theme decision{'s' if len(decisions) != 1 else ''}"

    def undo(self) -> str:
        """Undo the newest action."""
        done = self.undo_log.undo()
        return f"Undid {done}" if done else "Nothing to undo"
