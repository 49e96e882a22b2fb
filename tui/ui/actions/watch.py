"""Watchlists, alerts and notes in the dashboard: W watches the search, ! lists the
alerts, i edits the note of the item under the cursor; a refresh that raises alerts
says so in a notification (the ◉/●N badges on views come from `counts.view_counts`).

Ported from the old `WatchMixin` (self: AigeoApp) into a typed part taking the screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.plain_text import terminal_safe
from tui.store.notes import set_note
from tui.ui.actions.base import Dashboard

if TYPE_CHECKING:
    from tui.feeds.refresh_types import RefreshSummary


class WatchActions:
    """W ! i: watch the search, the Alerts screen, your note on an item."""

    def __init__(self, view: Dashboard) -> None:
        self.view = view

    def saved_view_of_search(self) -> str | None:
        """The name of the saved view whose query is what the search bar says."""
        from tui.analysis.watch import view_infos

        text = self.view.current_search().text.strip()
        for info in view_infos(self.view.shared.store):
            if text and info.query.strip() == text:
                return info.name
        return None

    def alerts(self) -> None:
        """!: the Alerts screen; choosing an alert opens its view."""
        from tui.ui.screens.alerts import AlertsScreen

        def chosen(query: str | None) -> None:
            self.view.refresh_panels()
            if query:
                self.view.show_search(query)

        self.view.app.push_screen(AlertsScreen(self.view.shared.store), chosen)

    def watch(self) -> None:
        """W: watch the search (saving it as a view first), or stop watching its view."""
        from tui.analysis.watch import unwatch_view, view_infos, watch_view
        from tui.ui.screens.prompt import TextPrompt

        store = self.view.shared.store
        search = self.view.current_search()
        text = search.text.strip()
        if search.is_empty:
            self.view.notify("Search first (/), then W watches that search", severity="warning")
            return
        name = self.saved_view_of_search()
        if name is not None:
            info = next(v for v in view_infos(store) if v.name == name)
            if info.watched:
                unwatch_view(store, name)
                self.view.notify(f"Stopped watching “{name}”")
            else:
                watch_view(store, name)
                self.view.notify(f"Watching “{name}”: new matches alert on every refresh")
            self.view.refresh_panels()
            return

        def named(value: str | None) -> None:
            if value:
                watch_view(store, value[:80], text)
                self.view.refresh_panels()
                self.view.notify(f"Watching “{value[:80]}”: new matches alert on every refresh")

        self.view.app.push_screen(
            TextPrompt("Watch this search as the view", placeholder="a name"), named
        )

    def note(self) -> None:
        """i: write or edit your note on the item under the cursor."""
        detail = self.view.current_detail()
        if detail is None:
            self.view.notify("No item here to annotate", severity="warning")
            return
        item_id = detail.id

        def edited(text: str | None) -> None:
            if text is None:
                return
            saved = set_note(self.view.shared.store, item_id, text)
            self.view.reload_items()
            self.view.show_current()
            self.view.notify("Note saved" if saved else "Note removed")

        from tui.ui.screens.note_editor import NoteEditor  # TextArea: ~15 ms at start-up

        title = terminal_safe(detail.title, multiline=False)
        self.view.app.push_screen(NoteEditor(title, detail.note), edited)

    def notify_alerts(self, summary: RefreshSummary) -> None:
        """After a refresh: a notification when watched views have new matches."""
        if not summary.alerts:
            return
        self.view.refresh_panels()
        words = "1 new alert" if summary.alerts == 1 else f"{summary.alerts} new alerts"
        self.view.notify(f"{words} on watched views (!: Alerts)", title="Watchlist", timeout=10)

    def view_for_brief(self) -> str:
        """The view a brief from the dashboard is of ("" when the search is none)."""
        return self.saved_view_of_search() or ""
