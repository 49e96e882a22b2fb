"""The dashboard screen: Sources/Themes/Actors on the left, list over reader on the right.

The screen owns the filter, refreshes the side panels (one way: `refresh_panels`),
receives their picks (one way: `messages.Picked`) and holds the action groups as typed
parts (`actions/`). Its bindings are its own: other screens (Trends, help) do not
inherit them, so the footer only shows keys that act on what is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.notifications import SeverityLevel
from textual.worker import Worker, WorkerState

from tui.model import ItemDetail, ItemQuery
from tui.plain_text import terminal_safe
from tui.query import ParsedQuery
from tui.ui.actions.analysis import AnalysisActions
from tui.ui.actions.article import ArticleActions
from tui.ui.actions.learning import LearningActions
from tui.ui.actions.manage import ManageActions
from tui.ui.actions.reading import ReadingActions
from tui.ui.actions.refresh import REFRESH_GROUP, RefreshActions
from tui.ui.actions.search import SEARCH_GROUP, SearchActions
from tui.ui.actions.sources import SourceActions
from tui.ui.actions.tracking import TrackingActions
from tui.ui.actions.watch import WatchActions
from tui.ui.counts import describe_filter, theme_series, view_counts
from tui.ui.dashboard_keys import DashboardKeys
from tui.ui.live import WATCH_SECONDS, StoreWatch
from tui.ui.messages import Picked, SourceHighlighted
from tui.ui.state import Shared
from tui.ui.widgets.actors import ACTOR_LIMIT, ActorsPanel
from tui.ui.widgets.items import ItemList
from tui.ui.widgets.key_footer import KeyFooter
from tui.ui.widgets.reader import Reader
from tui.ui.widgets.refresh_bar import RefreshBar
from tui.ui.widgets.search import SearchBar
from tui.ui.widgets.sources import SourcesPanel, parse_source_option
from tui.ui.widgets.themes import TREND_DAYS, ThemesPanel
from tui.ui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from tui.feeds.refresh_types import RefreshSummary

NARROW_BELOW = 100  # terminal columns under which the left column slims


class DashboardScreen(DashboardKeys):
    """The main screen; `shared` holds the store, clock, settings and lexicon."""

    def __init__(self, shared: Shared, *, offer_defaults: bool = False) -> None:
        super().__init__()
        self.shared = shared
        self.offer_defaults = offer_defaults
        self.query_filter = ItemQuery()  # what the Sources/Themes/Actors panels selected
        self.tracking = TrackingActions(self)
        self.reading = ReadingActions(self)
        self.refreshing = RefreshActions(self)
        self.sources = SourceActions(self)
        self.analysis = AnalysisActions(self)
        self.article = ArticleActions(self)
        self.learning = LearningActions(self)
        self.searching = SearchActions(self)
        self.managing = ManageActions(self)
        self.watching = WatchActions(self)
        self.store_watch = StoreWatch(shared.store, self.on_other_writer)
        self.failed_sources: set[int] = set()
        self._reader_pending = False

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield SourcesPanel(id="sources")
                yield ThemesPanel(id="themes")
                yield ActorsPanel(id="actors")
            with Vertical(id="right"):
                yield SearchBar(id="search")
                yield ItemList(self.shared.store, self.shared.clock, id="items")
                yield Reader(id="reader")
        yield RefreshBar(id="refresh-bar")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.refresh_panels()
        self.apply_filter()
        # the list, at once (focus() defers it), unless a `/` typed while the screen was
        # being built already put the focus in the search box: taking it back then sent the
        # rest of `/query` to the list
        if self.focused is not self.searching.bar.input:
            self.set_focus(self.items)
        minutes = self.shared.settings.auto_refresh_minutes
        if minutes:
            self.set_interval(minutes * 60, self.refreshing.refresh_due)
        self.set_interval(WATCH_SECONDS, self.store_watch.tick)
        if self.offer_defaults:
            self.sources.offer_default_feeds()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A toast whose text is literal by default (see AigeoApp.notify)."""
        self.app.notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    # ------------------------------------------------------------------ the panels

    @property
    def items(self) -> ItemList:
        """The item list."""
        return self.query_one(ItemList)

    @property
    def reader(self) -> Reader:
        """The reading pane."""
        return self.query_one(Reader)

    @property
    def refresh_bar(self) -> RefreshBar:
        """The refresh progress line."""
        return self.query_one(RefreshBar)

    def refresh_panels(self) -> None:
        """Recount sources, views, tags and themes (the one way side panels are refreshed)."""
        store, now = self.shared.store, self.shared.clock()
        self.query_one(SourcesPanel).show_sources(
            store.source_summaries(),
            store.tag_counts(),
            now,
            views=view_counts(store, now),
            failed=self.failed_sources,
        )
        self.query_one(ThemesPanel).show_themes(
            self.shared.lexicon.themes,
            store.theme_counts(),
            theme_series(store, self.shared.lexicon.theme_ids, now.date(), TREND_DAYS),
        )

    def refresh_actors(self, query: ItemQuery, counts: list[tuple[str, int]] | None = None) -> None:
        """Recount the Actors panel for what the list shows (`counts`: already counted)."""
        if counts is None:
            counts = self.shared.store.actor_counts_in(query, ACTOR_LIMIT)
        self.query_one(ActorsPanel).show_actors(counts, query.actor)

    # ------------------------------------------------------------------ the filter

    def filter_query(self) -> ItemQuery:
        """What the panels selected (and `l`: unread only)."""
        if self.reading.hide_read:
            return replace(self.query_filter, unread=True)
        return self.query_filter

    def current_query(self) -> ItemQuery:
        """The panels' filter narrowed by the search bar's query."""
        search = self.searching.search
        base = self.filter_query()
        return base if search.is_empty else search.to_item_query(base)

    def describe_filter(self) -> str:
        """The active filter in words, for the header."""
        shared = self.shared
        return describe_filter(
            shared.store,
            self.query_filter,
            self.searching.search,
            shared.theme_defs,
            unread_only=self.reading.hide_read,
        )

    def current_search(self) -> ParsedQuery:
        """What the search bar says, parsed."""
        return self.searching.search

    def show_search(self, text: str) -> None:
        """Put a query in the search bar and list its items."""
        self.searching.show_text(text)

    def view_for_brief(self) -> str:
        """The saved view the search is (a brief from the dashboard is of it)."""
        return self.watching.view_for_brief()

    def notify_alerts(self, summary: RefreshSummary) -> None:
        """A refresh raised alerts on watched views: say so."""
        self.watching.notify_alerts(summary)

    def apply_filter(self) -> None:
        """Reload the item list for the current filter and say what it is."""
        self.items.load(self.current_query())
        self.after_list_change()

    def reload_items(self) -> None:
        """Re-read the list after a change, keeping the cursor's item where possible."""
        self.items.reload()
        self.refresh_panels()
        self.after_list_change()
        self.searching.list_reloaded(self.items.count)

    def after_list_change(self) -> None:
        """The header and the list's count follow the list; the reader follows the cursor."""
        items = self.items
        self.app.sub_title = self.describe_filter()
        items.border_subtitle = f"{items.count} {'stories' if items.stories else 'items'}"
        self._schedule_reader()

    def on_other_writer(self) -> None:
        """Cron or the CLI committed: recount and re-read in place (cursor and scroll kept)."""
        self.items.reload_in_place()
        self.refresh_panels()
        self.refresh_actors(self.items.shown_query)
        self.items.border_subtitle = (
            f"{self.items.count} {'stories' if self.items.stories else 'items'}"
        )
        self.searching.list_reloaded(self.items.count)

    # ------------------------------------------------------------------ the cursor's item

    def show_current(self) -> None:
        """Show the item under the list cursor in the reading pane."""
        items, readers = self.query(ItemList), self.query(Reader)
        if not items or not readers:  # shutting down: the panels are already gone
            return
        current = items.first().current_item
        detail = self.shared.store.get_item(current.id) if current else None
        readers.first().show(detail, self.shared.theme_defs)

    def current_detail(self) -> ItemDetail | None:
        """The item under the cursor, fresh from the store."""
        current = self.items.current_item
        return self.shared.store.get_item(current.id) if current else None

    def redraw_current(self) -> None:
        """Redraw the cursor's row and the counts after a change to one item."""
        current = self.items.current_item
        if current is None:
            return
        fresh = self.shared.store.get_item(current.id)
        if fresh:
            self.items.refresh_item(fresh)
        self.refresh_panels()
        self.show_current()

    def selected_source_id(self) -> int | None:
        """The feed the user means: highlighted in Sources, filtered on, or of the item."""
        sources = self.query_one(SourcesPanel)
        candidates = []
        if self.app.focused is sources:
            candidates.append(parse_source_option(sources.highlighted_id or ""))
        candidates.append(self.query_filter.source_id)
        current = self.items.current_item
        candidates.append(current.source_id if current else None)
        for source_id in candidates:
            source = self.shared.store.get_source(source_id) if source_id is not None else None
            if source is not None and source.kind == "feed":
                return source_id
        return None

    def start_refresh(self, source_ids: list[int] | None) -> None:
        """Fetch these sources (None: all) in the refresh worker."""
        self.refreshing.start(source_ids)

    def rename_view(self, view_id: int) -> None:
        """Ask for a saved view's new name."""
        self.searching.rename_view(view_id)

    def delete_view(self, view_id: int) -> None:
        """Delete a saved view (asks first)."""
        self.searching.delete_view(view_id)

    def record_undo(self, description: str, revert: Callable[[], object]) -> None:
        """Put an action on the undo log (u)."""
        self.tracking.tracker.undo_log.record(description, revert)

    def clear_source_filter(self) -> None:
        """Back to all sources (the filtered one is gone)."""
        self.query_filter = replace(self.query_filter, source_id=None)

    def _schedule_reader(self) -> None:
        """Show the current item in the reading pane right after the next frame.

        The list (a moved cursor: two lines; a new filter) is painted first; the reading
        pane, which costs a layout pass, follows in the frame after, once for any number
        of moves made meanwhile (holding j stays smooth).
        """
        if not self._reader_pending:
            self._reader_pending = True
            self.call_after_refresh(self._show_current_later)

    def _show_current_later(self) -> None:
        self._reader_pending = False
        if self.reader.showing_source and self.query_one(SourcesPanel).has_focus:
            return  # the user is looking at a feed's health: a list reload keeps it
        self.show_current()

    # ------------------------------------------------------------------ events

    def on_picked(self, event: Picked) -> None:
        """A side panel's row was chosen: change the filter."""
        kind, value, query = event.kind, event.value, self.query_filter
        if kind == "view" and isinstance(value, int):
            self.searching.open_view(value)
            return
        if kind in ("all-sources", "source", "tag", "category"):
            query = replace(query, source_id=None, tag=None, category_groups=())
        if kind == "source" and isinstance(value, int):
            query = replace(query, source_id=value)
        elif kind == "tag":
            query = replace(query, tag=str(value))
        elif kind == "category":
            query = replace(query, category_groups=((str(value),),))
        elif kind == "theme":
            query = replace(query, theme=value if isinstance(value, str) else None)
        elif kind == "actor":
            query = replace(query, actor=value if isinstance(value, str) else None)
        self.query_filter = query
        self.apply_filter()

    def on_source_highlighted(self, event: SourceHighlighted) -> None:
        """The Sources cursor moved while it has focus: the reader shows the feed's health."""
        if not self.query_one(SourcesPanel).has_focus:
            return
        source = self.shared.store.get_source(event.source_id)
        if source is not None:
            fetches = self.shared.store.fetches(source.id, 5)
            self.reader.show_source(source, fetches, self.shared.clock())

    def on_item_list_highlighted(self, event: ItemList.Highlighted) -> None:
        self._schedule_reader()

    def on_item_list_selected(self, event: ItemList.Selected) -> None:
        self.reading.open_item()

    def on_item_list_loaded(self, event: ItemList.Loaded) -> None:
        if not event.prepared:  # a search worker counted the actors already
            self.refresh_actors(event.query)

    def on_search_bar_changed(self, event: SearchBar.Changed) -> None:
        self.searching.typed(event.text)

    def on_search_bar_done(self, event: SearchBar.Done) -> None:
        self.searching.done(event)

    def on_search_bar_save_requested(self, event: SearchBar.SaveRequested) -> None:
        self.searching.save_requested(event.text)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one handler for failed workers: say why, reset the bar, mark the source."""
        worker = event.worker
        if event.state != WorkerState.ERROR:
            return
        error = worker.error
        cause = terminal_safe(f"{type(error).__name__}: {error}", multiline=False)
        if worker.group == SEARCH_GROUP:
            self.searching.failed()
        if worker.group == REFRESH_GROUP:
            sources = self.refreshing.failed() or []
            self.failed_sources.update(sources)
            self.refresh_panels()
            self.notify(f"Refresh failed: {cause}", severity="error", timeout=15)
        else:
            self.notify(
                f"{worker.name or worker.group} failed: {cause}", severity="error", timeout=15
            )

    def on_resize(self, event: events.Resize) -> None:
        """Slim the left column on narrow terminals (the event's size: the new one)."""
        self.set_class(event.size.width < NARROW_BELOW, "-narrow")
