"""Star, read, tag, theme decisions and undo on the dashboard (the Tracker does the work)."""

from __future__ import annotations

from tui.plain_text import terminal_safe
from tui.ui.actions.base import Dashboard
from tui.ui.tracking import Tracker


class TrackingActions:
    """s m M t T e u: the user's marks on items, each undoable."""

    def __init__(self, view: Dashboard) -> None:
        self.view = view
        self.tracker = Tracker(view.shared.store)

    def toggle_star(self) -> None:
        """s: star or unstar the item under the cursor."""
        current = self.view.items.current_item
        if current:
            self.view.notify(self.tracker.toggle_star(current.id, not current.starred))
            self.view.redraw_current()

    def toggle_read(self) -> None:
        """m: toggle read/unread on the item under the cursor."""
        current = self.view.items.current_item
        if current:
            self.view.notify(self.tracker.set_read([current.id], not current.read))
            self.view.redraw_current()

    def mark_read(self, item_id: int) -> None:
        """Opening an item marks it read (not recorded for undo: it is not a decision)."""
        self.tracker.set_read([item_id], True, record=False)

    def mark_all_read(self) -> None:
        """M: mark every item of the current filter read (undo with u)."""
        self.view.notify(self.tracker.mark_all_read(self.view.current_query()))
        self.view.reload_items()

    def tag(self) -> None:
        """t: add or remove tags on the item under the cursor."""
        from tui.ui.screens.tag_prompt import TagPrompt

        current = self.view.current_detail()
        if current is None:
            return

        def done(result: tuple[list[str], list[str]] | None) -> None:
            if result:
                self.view.notify(self.tracker.tag([current.id], *result))
                self.view.redraw_current()

        prompt = TagPrompt(f"Tag: {current.title[:60]}", self._tag_words(), current.tags)
        self.view.app.push_screen(prompt, done)

    def tag_all(self) -> None:
        """T: tag every item of the current filter (asks first, showing the count)."""
        from tui.ui.screens.confirm import Confirm
        from tui.ui.screens.tag_prompt import TagPrompt

        ids = self.view.shared.store.item_ids(self.view.current_query())
        if not ids:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                prompt = TagPrompt(f"Tag all {len(ids)} items", self._tag_words(), [])
                self.view.app.push_screen(prompt, tagged)

        def tagged(result: tuple[list[str], list[str]] | None) -> None:
            if result:
                self.view.notify(self.tracker.tag(ids, *result))
                self.view.reload_items()

        where = self.view.describe_filter()
        self.view.app.push_screen(Confirm(f"Tag all {len(ids)} items in {where}?"), confirmed)

    def _tag_words(self) -> list[str]:
        tags = (terminal_safe(tag, multiline=False) for tag in self.view.shared.store.tag_counts())
        return [*filter(None, tags), *self.view.shared.lexicon.theme_ids]

    def edit_themes(self) -> None:
        """e: accept, add or reject themes on the item under the cursor."""
        from tui.ui.screens.theme_editor import ThemeEditor

        current = self.view.current_detail()
        if current is None:
            return
        lexicon = self.view.shared.lexicon
        guesses = {t.id: t.score for t in lexicon.classify(current.title, current.text).themes}
        decisions = self.view.shared.store.user_theme_decisions(current.id)

        def done(changed: dict[str, bool | None] | None) -> None:
            if changed:
                self.view.notify(self.tracker.decide_themes(current.id, changed))
                self.view.redraw_current()

        self.view.app.push_screen(ThemeEditor(lexicon.themes, guesses, decisions), done)

    def undo(self) -> None:
        """u: undo the last action."""
        self.view.notify(self.tracker.undo())
        self.view.reload_items()
