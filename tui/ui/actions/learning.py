"""`L` in the dashboard: what aigeo learned from the user's theme decisions.

Learning and re-theming read (and write) the whole store, so both run in a thread
worker on a connection of their own (SQLite in WAL mode: the UI keeps reading); the
results come back to the UI thread as plain objects.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from tui.plain_text import terminal_safe
from tui.store import Store, StoreError
from tui.themes import Lexicon, LexiconError
from tui.ui.actions.base import Dashboard

if TYPE_CHECKING:  # learning (and its screen) load when L is pressed, not at start-up
    from tui.themes.learning import Learned, Suggestion
    from tui.themes.overlay import Applied

LEARN_GROUP = "learn"
T = TypeVar("T")
EXPECTED = (LexiconError, StoreError, sqlite3.Error, OSError, ValueError)


class LearningActions:
    """L: suggestions from the theme decisions, and adding the chosen ones."""

    def __init__(self, view: Dashboard) -> None:
        self.view = view

    def learned(self) -> None:
        """L: show the phrases the theme decisions suggest, and add the chosen ones."""
        if self._busy():
            return
        from tui.themes.learning import learn

        self.view.notify("Looking at your theme decisions…", timeout=3)
        self._off_thread(learn, self._show)

    def _busy(self) -> bool:
        if any(w.group == LEARN_GROUP and not w.is_finished for w in self.view.app.workers):
            self.view.notify("Still working on the last request", severity="warning")
            return True
        return False

    def _off_thread(self, job: Callable[[Store], T], done: Callable[[T], None]) -> None:
        """Run `job` on a store connection of its own in a thread, then `done` here."""
        path = self.view.shared.store.path
        if path is None:  # an in-memory store has one connection: stay on this thread
            try:
                result = job(self.view.shared.store)
            except EXPECTED as exc:
                self._failed(exc)
                return
            done(result)
            return

        def work() -> None:
            try:
                with Store.open(path, migrate=False) as store:
                    result = job(store)
            except EXPECTED as exc:
                self.view.app.call_from_thread(self._failed, exc)
                return
            self.view.app.call_from_thread(done, result)

        self.view.run_worker(work, group=LEARN_GROUP, thread=True, exit_on_error=False)

    def _failed(self, exc: Exception) -> None:
        message = terminal_safe(f"Learning failed: {exc}", multiline=False)
        self.view.notify(message, severity="error", timeout=10)

    def _show(self, learned: Learned) -> None:
        from tui.ui.screens.learned import LearnedScreen

        self.view.app.push_screen(LearnedScreen(learned, self._dismiss), self._chosen)

    def _dismiss(self, suggestion: Suggestion) -> None:
        """d on the Learned screen: remember the phrase is not wanted for its theme."""
        from tui.themes.dismissed import dismiss

        dismiss(self.view.shared.store, [(suggestion.theme, suggestion.phrase)])
        self.view.notify(
            terminal_safe(f"Will not suggest {suggestion.phrase!r} again", multiline=False)
        )

    def _chosen(self, chosen: list[Suggestion] | None) -> None:
        if not chosen or self._busy():
            return
        plural = "s" if len(chosen) != 1 else ""
        self.view.notify(f"Adding {len(chosen)} phrase{plural} to your lexicon and re-theming…")
        self._off_thread(partial(_accept, chosen), self._accepted)

    def _accepted(self, outcome: tuple[Applied, Lexicon]) -> None:
        applied, lexicon = outcome
        self.view.shared.lexicon = lexicon
        self.view.reload_items()
        names = {t.id: t.name for t in lexicon.themes}
        changes = [
            f"{names.get(t, t)}: {before} → {after} items"
            for t, (before, after) in applied.changes.items()
        ]
        plural = "s" if applied.phrases != 1 else ""
        detail = "; ".join(changes) or "No theme counts changed"
        message = f"Added {applied.phrases} phrase{plural} to {applied.overlay.name}. {detail}"
        self.view.notify(terminal_safe(message, multiline=False), timeout=10)


def _accept(chosen: list[Suggestion], store: Store) -> tuple[Applied, Lexicon]:
    from tui.themes.overlay import accept

    return accept(store, chosen)
