"""Watchlists, alerts and notes in the dashboard: W watches the search, A lists the
alerts, i edits the note of the item under the cursor; a badge counts unseen alerts on
each view under Sources and a refresh that raises alerts says so in a notification."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Input

from tui.analysis.watch import unwatch_view, view_infos, watch_view
from tui.query import parse_query
from tui.store.notes import set_note
from tui.text import terminal_safe
from tui.ui.screens.alerts import AlertsScreen
from tui.ui.screens.note_editor import NoteEditor
from tui.ui.screens.prompt import TextPrompt
from tui.ui.widgets.search import SearchBar

if TYPE_CHECKING:
    from tui.feeds.refresh_types import RefreshSummary
    from tui.ui.app import AigeoApp


def view_label(name: str, watched: bool, unseen: int) -> str:
    """A view's name under Sources: ◉ when watched, ● N with unseen alerts."""
    label = ("◉ " if watched else "") + name
    return label + (f"  ●{unseen}" if unseen else "")


class WatchMixin:
    """Actions of the watchlist and notes for AigeoApp."""

    def view_counts(self: AigeoApp) -> list[tuple[int, str, int]]:
        """Each saved view with its badge and current count: (id, label, items)."""
        now = self.clock()
        return [
            (
                info.id,
                view_label(info.name, info.watched, info.unseen),
                self.store.count_items(parse_query(info.query, now=now).to_item_query()),
            )
            for info in view_infos(self.store)
        ]

    def show_query(self: AigeoApp, text: str) -> None:
        """Put a query in the search bar and list its items."""
        bar = self.query_one(SearchBar)
        bar.add_class("-open")
        with bar.input.prevent(Input.Changed):
            bar.input.value = text
        self.run_search(text)

    def saved_view_of_search(self: AigeoApp) -> str | None:
        """The name of the saved view whose query is what the search bar says."""
        text = self.search.text.strip()
        for info in view_infos(self.store):
            if text and info.query.strip() == text:
                return info.name
        return None

    def action_alerts(self: AigeoApp) -> None:
        """A: the Alerts screen; choosing an alert opens its view."""

        def chosen(query: str | None) -> None:
            self.refresh_panels()
            if query:
                self.show_query(query)

        self.push_screen(AlertsScreen(self.store), chosen)

    def action_watch(self: AigeoApp) -> None:
        """W: watch the search (saving it as a view first), or stop watching its view."""
        text = self.search.text.strip()
        if self.search.is_empty:
            self.notify("Search first (/), then W watches that search", severity="warning")
            return
        name = self.saved_view_of_search()
        if name is not None:
            info = next(v for v in view_infos(self.store) if v.name == name)
            if info.watched:
                unwatch_view(self.store, name)
                self.notify(f"Stopped watching “{name}”")
            else:
                watch_view(self.store, name)
                self.notify(f"Watching “{name}”: new matches alert on every refresh")
            self.refresh_panels()
            return

        def named(value: str | None) -> None:
            if value:
                watch_view(self.store, value[:80], text)
                self.refresh_panels()
                self.notify(f"Watching “{value[:80]}”: new matches alert on every refresh")

        self.push_screen(TextPrompt("Watch this search as the view", placeholder="a name"), named)

    def action_note(self: AigeoApp) -> None:
        """i: write or edit your note on the item under the cursor."""
        detail = self.current_detail()
        if detail is None:
            self.notify("No item here to annotate", severity="warning")
            return
        item_id = detail.id

        def edited(text: str | None) -> None:
            if text is None:
                return
            saved = set_note(self.store, item_id, text)
            self.reload_items()
            self.show_current()
            self.notify("Note saved" if saved else "Note removed")

        title = terminal_safe(detail.title, multiline=False)
        self.push_screen(NoteEditor(title, detail.note), edited)

    def notify_alerts(self: AigeoApp, summary: RefreshSummary) -> None:
        """After a refresh: a notification when watched views have new matches."""
        if not summary.alerts:
            return
        self.refresh_panels()
        words = "1 new alert" if summary.alerts == 1 else f"{summary.alerts} new alerts"
        self.notify(f"{words} on watched views (A: Alerts)", title="Watchlist", timeout=10)

    def view_for_brief(self: AigeoApp) -> str:
        """The view a brief from the dashboard is of ("" when the search is none)."""
        name = self.saved_view_of_search()
        return name or ""
