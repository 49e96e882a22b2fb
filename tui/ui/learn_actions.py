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

from tui.store import Store, StoreError
from tui.text import terminal_safe
from tui.themes import Lexicon, LexiconError
from tui.themes.learning import Applied, Learned, Suggestion, accept, learn
from tui.ui.screens.learned import LearnedScreen

if TYPE_CHECKING:
    from tui.ui.app import AigeoApp

LEARN_GROUP = "learn"
T = TypeVar("T")


class LearnMixin:
    """The learning actions of AigeoApp."""

    def action_learned(self: AigeoApp) -> None:
        """L: show the phrases the theme decisions suggest, and add the chosen ones."""
        if self._learning_busy():
            return
        self.notify("Looking at your theme decisions…", timeout=3)
        self._off_thread(learn, self._show_learned)

    def _learning_busy(self: AigeoApp) -> bool:
        if any(w.group == LEARN_GROUP and not w.is_finished for w in self.workers):
            self.notify("Still working on the last request", severity="warning")
            return True
        return False

    def _off_thread(self: AigeoApp, job: Callable[[Store], T], done: Callable[[T], None]) -> None:
        """Run `job` on a store connection of its own in a thread, then `done` here."""
        path = self.store.path
        if path is None:  # an in-memory store has one connection: stay on this thread
            self._finish_job(job, done, self.store)
            return

        def work() -> None:
            try:
                with Store.open(path, migrate=False) as store:
                    result = job(store)
            except (LexiconError, StoreError, sqlite3.Error, OSError, ValueError) as exc:
                self.call_from_thread(self._learning_failed, exc)
                return
            self.call_from_thread(done, result)

        self.run_worker(work, group=LEARN_GROUP, thread=True, exit_on_error=False)

    def _finish_job(
        self: AigeoApp, job: Callable[[Store], T], done: Callable[[T], None], store: Store
    ) -> None:
        try:
            result = job(store)
        except (LexiconError, StoreError, sqlite3.Error, OSError, ValueError) as exc:
            self._learning_failed(exc)
            return
        done(result)

    def _learning_failed(self: AigeoApp, exc: Exception) -> None:
        message = terminal_safe(f"Learning failed: {exc}", multiline=False)
        self.notify(message, severity="error", timeout=10)

    def _show_learned(self: AigeoApp, learned: Learned) -> None:
        self.push_screen(LearnedScreen(learned), self._learned_chosen)

    def _learned_chosen(self: AigeoApp, chosen: list[Suggestion] | None) -> None:
        if not chosen or self._learning_busy():
            return
        plural = "s" if len(chosen) != 1 else ""
        self.notify(f"Adding {len(chosen)} phrase{plural} to your lexicon and re-theming…")
        self._off_thread(partial(_accept, chosen), self._accepted)

    def _accepted(self: AigeoApp, outcome: tuple[Applied, Lexicon]) -> None:
        applied, lexicon = outcome
        self.lexicon = lexicon
        self.reload_items()
        names = {t.id: t.name for t in lexicon.themes}
        changes = [
            f"{names.get(t, t)}: {before} → {after} items"
            for t, (before, after) in applied.changes.items()
        ]
        plural = "s" if applied.phrases != 1 else ""
        detail = "; ".join(changes) or "No theme counts changed"
        message = f"Added {applied.phrases} phrase{plural} to {applied.overlay.name}. {detail}"
        self.notify(terminal_safe(message, multiline=False), timeout=10)


def _accept(chosen: list[Suggestion], store: Store) -> tuple[Applied, Lexicon]:
    return accept(store, chosen)
