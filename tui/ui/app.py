"""The aigeo dashboard application: thin glue between the panels and the store."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, OptionList

from tui.analysis.series import daily_series
from tui.config import Settings, save_setting
from tui.model import ItemDetail, ItemQuery, ThemeDef
from tui.query import ParsedQuery, parse_query
from tui.store import Store
from tui.text import terminal_safe
from tui.themes import load_lexicon
from tui.ui.analysis_actions import AnalysisMixin
from tui.ui.article_actions import ArticleMixin
from tui.ui.learn_actions import LearnMixin
from tui.ui.refreshing import RefreshMixin
from tui.ui.screens.confirm import Confirm
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.prompt import TextPrompt
from tui.ui.screens.tag_prompt import TagPrompt
from tui.ui.screens.theme_editor import ThemeEditor
from tui.ui.sources_actions import SourcesMixin
from tui.ui.tracking import Tracker
from tui.ui.widgets.actors import ActorsPanel
from tui.ui.widgets.counted import CountedList
from tui.ui.widgets.items import ItemList
from tui.ui.widgets.reader import Reader
from tui.ui.widgets.refresh_bar import RefreshBar
from tui.ui.widgets.search import SearchBar
from tui.ui.widgets.sources import SourcesPanel, parse_source_option
from tui.ui.widgets.themes import TREND_DAYS, ThemesPanel, parse_theme_option

if TYPE_CHECKING:  # imported when a refresh starts (httpx, multiprocessing)
    from tui.feeds.poller import PollSettings

Clock = Callable[[], datetime]


def utc_clock() -> datetime:
    """The real clock (tests pass a fixed one)."""
    return datetime.now(UTC)


class AigeoApp(ArticleMixin, LearnMixin, RefreshMixin, SourcesMixin, AnalysisMixin, App[None]):
    """Sources and Themes on the left; the item list over the reading pane on the right."""

    TITLE = "aigeo"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", key_display="?", id="help"),
        Binding("s", "toggle_star", "Star", id="star"),
        Binding("m", "toggle_read", "Read/unread", id="read"),
        Binding("M", "mark_all_read", "Mark all read", show=False, id="mark_all_read"),
        Binding("t", "tag", "Tag", id="tag"),
        Binding("T", "tag_all", "Tag all in filter", show=False, id="tag_all"),
        Binding("e", "edit_themes", "Themes", id="edit_themes"),
        Binding("u", "undo", "Undo", id="undo"),
        Binding("o", "open_link", "Open link", show=False, id="open_link"),
        Binding("f", "fetch_article", "Full article", show=False, id="fetch_article"),
        Binding("L", "learned", "What aigeo learned", show=False, id="learned"),
        Binding("y", "copy_link", "Copy link", show=False, id="copy_link"),
        Binding("r", "refresh_one", "Refresh", id="refresh"),
        Binding("R", "refresh_all", "Refresh all", id="refresh_all"),
        Binding("slash", "search", "Search", key_display="/", id="search"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("escape", "back_to_list", "Back to list", show=False, id="back"),
        Binding("v", "toggle_stories", "Stories/items", id="stories"),
        Binding("f2,ctrl+t", "trends", "Trends", key_display="F2", id="trends"),
        Binding("b", "brief", "Brief", show=False, id="brief"),
    ]

    def __init__(
        self,
        store: Store,
        *,
        clock: Clock = utc_clock,
        settings: Settings | None = None,
        poll_settings: PollSettings | None = None,
        offer_defaults: bool = True,
    ) -> None:
        super().__init__()
        self.store = store
        self.db_path = store.path or Path(":memory:")
        self._poll_settings = poll_settings
        self.refresh_cancel = threading.Event()
        self.offer_defaults = offer_defaults
        self.clock = clock
        self.settings = settings or Settings()
        self.lexicon = load_lexicon()
        self.theme_defs: dict[str, ThemeDef] = {t.id: t for t in self.lexicon.themes}
        self.query_filter = ItemQuery()  # what the Sources/Themes panels selected
        self.search: ParsedQuery = parse_query("")  # what the search bar says
        self.tracker = Tracker(store)
        self._reader_pending = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield SourcesPanel(id="sources")
                yield ThemesPanel(id="themes")
                yield ActorsPanel(id="actors")
            with Vertical(id="right"):
                yield SearchBar(id="search")
                yield ItemList(self.store, self.clock, id="items")
                yield Reader(id="reader")
        yield RefreshBar(id="refresh-bar")
        yield Footer()

    def on_mount(self) -> None:
        if self.settings.ui_theme in self.available_themes:
            self.theme = self.settings.ui_theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self.settings.keys:
            self.set_keymap(self.settings.keys)
        for problem in self.settings.problems:
            self.notify(problem, severity="warning", timeout=10)
        self.refresh_panels()
        self.apply_filter()
        self.query_one(ItemList).focus()
        if self.settings.auto_refresh_minutes:
            self.set_interval(self.settings.auto_refresh_minutes * 60, self.auto_refresh)
        if self.offer_defaults:
            self.offer_default_feeds()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A toast whose text is literal by default: messages carry feed titles, errors
        and paths, and Textual would otherwise read `[…]` in them as markup (a `[/]` in
        a feed title crashed the app; `[@click=…]` made a clickable action)."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def on_unmount(self) -> None:
        """Tell a running refresh to stop: quitting never waits for slow feeds."""
        self.refresh_cancel.set()

    def auto_refresh(self) -> None:
        """The auto-refresh timer: fetch the sources that are due."""
        self.start_refresh(None, due_only=True)

    def action_refresh_all(self) -> None:
        """R: refresh every feed."""
        self.start_refresh(None)

    def action_refresh_one(self) -> None:
        """r: refresh the highlighted source, else the filtered one, else the item's."""
        source_id = self.selected_source_id()
        if source_id is None:
            self.notify("Select a feed (Sources panel) or an item from one; R refreshes all")
            return
        self.start_refresh([source_id])

    def selected_source_id(self) -> int | None:
        """The feed the user means: highlighted in Sources, filtered on, or of the item."""
        sources = self.query_one(SourcesPanel)
        candidates = []
        if self.focused is sources:
            candidates.append(parse_source_option(sources.highlighted_id or ""))
        candidates.append(self.query_filter.source_id)
        current = self.query_one(ItemList).current_item
        candidates.append(current.source_id if current else None)
        for source_id in candidates:
            source = self.store.get_source(source_id) if source_id is not None else None
            if source is not None and source.kind == "feed":
                return source_id
        return None

    def _remember_theme(self, theme: object) -> None:
        name = getattr(theme, "name", None)
        if isinstance(name, str) and name != self.settings.ui_theme:
            self.settings.ui_theme = name
            try:
                save_setting("ui", "theme", name)
            except OSError as exc:
                self.notify(f"Could not save the theme choice: {exc}", severity="warning")

    def on_resize(self) -> None:
        """Slim the left column on narrow terminals."""
        self.screen.set_class(self.size.width < 100, "-narrow")

    # ------------------------------------------------------------------ data → panels

    def refresh_panels(self) -> None:
        """Recount sources, tags and themes."""
        self.query_one(SourcesPanel).show_sources(
            self.store.source_summaries(),
            self.store.tag_counts(),
            self.clock(),
            views=self.view_counts(),
        )
        self.query_one(ThemesPanel).show_themes(
            self.lexicon.themes, self.store.theme_counts(), self._theme_series()
        )

    def _theme_series(self) -> dict[str, list[int]]:
        """Each theme's items per day over the last TREND_DAYS days."""
        today = self.clock().date()
        since = (today - timedelta(days=TREND_DAYS - 1)).isoformat()
        daily = self.store.theme_daily_counts(since)
        return {t: daily_series(daily.get(t, {}), today, TREND_DAYS) for t in self.theme_defs}

    def apply_filter(self) -> None:
        """Reload the item list for the current filter and say what it is."""
        items = self.query_one(ItemList)
        items.load(self.current_query())
        self._after_list_change()

    def reload_items(self) -> None:
        """Re-read the list after a change, keeping the cursor's item where possible."""
        self.query_one(ItemList).reload()
        self.refresh_panels()
        self._after_list_change()

    def _after_list_change(self) -> None:
        items = self.query_one(ItemList)
        self.sub_title = self.describe_filter()
        items.border_subtitle = f"{items.count} {'stories' if items.stories else 'items'}"
        self._schedule_reader()

    def current_query(self) -> ItemQuery:
        """The panels' filter narrowed by the search bar's query."""
        if self.search.is_empty:
            return self.query_filter
        return self.search.to_item_query(self.query_filter)

    def describe_filter(self) -> str:
        """The active filter in words, for the header."""
        parts = [f"search: {self.search.describe()}"] if not self.search.is_empty else []
        if self.query_filter.source_id is not None:
            source = self.store.get_source(self.query_filter.source_id)
            name = terminal_safe(source.title, multiline=False) if source else "?"
            parts.append(f"source: {name}")
        if self.query_filter.tag:
            parts.append(f"tag: {terminal_safe(self.query_filter.tag, multiline=False)}")
        if self.query_filter.theme:
            theme = self.theme_defs.get(self.query_filter.theme)
            parts.append(f"theme: {theme.name if theme else self.query_filter.theme}")
        return " · ".join(parts) or "all items"

    # ------------------------------------------------------------------ search & views

    def action_search(self) -> None:
        """/: open the search bar (results update as you type)."""
        self.query_one(SearchBar).open()

    def on_search_bar_changed(self, event: SearchBar.Changed) -> None:
        self.run_search(event.text)

    def run_search(self, text: str) -> None:
        """Apply a query typed in the search bar."""
        self.search = parse_query(text, now=self.clock())
        self.query_one(ItemList).highlight_terms = self.search.highlight_terms()
        self.apply_filter()
        count = self.query_one(ItemList).count
        status = f"{count} match{'es' if count != 1 else ''}"
        if self.search.errors:
            status += " · " + "; ".join(self.search.errors)
        self.query_one(SearchBar).set_status(status)

    def on_search_bar_done(self, event: SearchBar.Done) -> None:
        if event.cleared:
            self.run_search("")
        self.query_one(ItemList).focus()

    def on_search_bar_save_requested(self, event: SearchBar.SaveRequested) -> None:
        def named(name: str | None) -> None:
            if name:
                self.store.save_view(name[:80], event.text)
                self.refresh_panels()
                self.notify(f"Saved the view “{name[:80]}” (under Sources)")

        self.push_screen(TextPrompt("Save this search as a view", placeholder="a name"), named)

    def open_view(self, view_id: int) -> None:
        """Show a saved view: its query goes into the search bar."""
        found = [v for v in self.store.views() if v[0] == view_id]
        if not found:
            return
        bar = self.query_one(SearchBar)
        bar.add_class("-open")
        with bar.input.prevent(Input.Changed):
            bar.input.value = found[0][2]
        self.run_search(found[0][2])

    def view_counts(self) -> list[tuple[int, str, int]]:
        """Each saved view with its current count: (id, name, items)."""
        now = self.clock()
        return [
            (view_id, name, self.store.count_items(parse_query(text, now=now).to_item_query()))
            for view_id, name, text in self.store.views()
        ]

    def show_current(self) -> None:
        """Show the item under the list cursor in the reading pane."""
        items, readers = self.query(ItemList), self.query(Reader)
        if not items or not readers:  # shutting down: the panels are already gone
            return
        current = items.first().current_item
        detail = self.store.get_item(current.id) if current else None
        readers.first().show(detail, self.theme_defs)

    def current_detail(self) -> ItemDetail | None:
        """The item under the cursor, fresh from the store."""
        current = self.query_one(ItemList).current_item
        return self.store.get_item(current.id) if current else None

    # ------------------------------------------------------------------ events

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option_id or ""
        if isinstance(event.option_list, SourcesPanel):
            if option_id.startswith("view:"):
                self.open_view(int(option_id.split(":", 1)[1]))
                return
            if option_id.startswith("tag:"):
                tag = option_id.split(":", 1)[1]
                self.query_filter = replace(self.query_filter, tag=tag, source_id=None)
            else:
                source_id = parse_source_option(option_id)
                self.query_filter = replace(self.query_filter, source_id=source_id, tag=None)
        elif isinstance(event.option_list, ThemesPanel):
            theme = parse_theme_option(option_id)
            self.query_filter = replace(self.query_filter, theme=theme)
        else:
            return
        self.apply_filter()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if isinstance(event.option_list, SourcesPanel) and event.option_list.has_focus:
            source_id = parse_source_option(event.option_id or "")
            source = self.store.get_source(source_id) if source_id is not None else None
            if source is not None:
                self.query_one(Reader).show_source(
                    source, self.store.fetches(source.id, 5), self.clock()
                )

    def on_item_list_highlighted(self, event: ItemList.Highlighted) -> None:
        self._schedule_reader()

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
        self.show_current()

    def on_item_list_selected(self, event: ItemList.Selected) -> None:
        self.action_open_item()

    # ------------------------------------------------------------------ reading

    def action_open_item(self) -> None:
        """Open the item under the cursor: mark it read and move focus to the reader."""
        current = self.query_one(ItemList).current_item
        if current is None:
            return
        if not current.read:
            self.tracker.set_read([current.id], True, record=False)
            self._redraw_current()  # shows the current item too
        else:
            self.show_current()
        self.query_one(Reader).focus()

    def action_back_to_list(self) -> None:
        """Return focus to the item list."""
        self.query_one(ItemList).focus()

    def action_cursor_down(self) -> None:
        """j: move down in whichever panel has focus (the reader scrolls)."""
        self._move(+1)

    def action_cursor_up(self) -> None:
        """k: move up in whichever panel has focus (the reader scrolls)."""
        self._move(-1)

    def _move(self, step: int) -> None:
        focused = self.focused
        if isinstance(focused, Reader):
            focused.scroll_relative(y=step, animate=False)
        elif isinstance(focused, ItemList | OptionList):
            (focused.action_cursor_down if step > 0 else focused.action_cursor_up)()

    def action_open_link(self) -> None:
        """Open the item's link in the browser (http/https only)."""
        url = self._current_url()
        if url:
            self.open_url(url)
            self.notify("Opening the link in your browser")

    def action_copy_link(self) -> None:
        """Copy the item's link to the clipboard (OSC 52)."""
        url = self._current_url()
        if url:
            self.copy_to_clipboard(url)
            self.notify("Link copied")

    def _current_url(self) -> str | None:
        current = self.query_one(ItemList).current_item
        url = current.url if current else None
        if not url or not url.lower().startswith(("http://", "https://")):
            self.notify("This item has no web link", severity="warning")
            return None
        return url

    # ------------------------------------------------------------------ tracking

    def _redraw_current(self) -> None:
        """Redraw the cursor's row and the counts after a change to one item."""
        items = self.query_one(ItemList)
        current = items.current_item
        if current is None:
            return
        fresh = self.store.get_item(current.id)
        if fresh:
            items.refresh_item(fresh)
        self.refresh_panels()
        self.show_current()

    def action_toggle_star(self) -> None:
        """s: star or unstar the item under the cursor."""
        current = self.query_one(ItemList).current_item
        if current:
            self.notify(self.tracker.toggle_star(current.id, not current.starred))
            self._redraw_current()

    def action_toggle_read(self) -> None:
        """m: toggle read/unread on the item under the cursor."""
        current = self.query_one(ItemList).current_item
        if current:
            self.notify(self.tracker.set_read([current.id], not current.read))
            self._redraw_current()

    def action_mark_all_read(self) -> None:
        """M: mark every item of the current filter read (undo with u)."""
        self.notify(self.tracker.mark_all_read(self.current_query()))
        self.reload_items()

    def action_tag(self) -> None:
        """t: add or remove tags on the item under the cursor."""
        current = self.current_detail()
        if current is None:
            return

        def done(result: tuple[list[str], list[str]] | None) -> None:
            if result:
                self.notify(self.tracker.tag([current.id], *result))
                self._redraw_current()

        prompt = TagPrompt(f"Tag: {current.title[:60]}", self._tag_words(), current.tags)
        self.push_screen(prompt, done)

    def action_tag_all(self) -> None:
        """T: tag every item of the current filter (asks first, showing the count)."""
        ids = self.store.item_ids(self.current_query())
        if not ids:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.push_screen(
                    TagPrompt(f"Tag all {len(ids)} items", self._tag_words(), []), tagged
                )

        def tagged(result: tuple[list[str], list[str]] | None) -> None:
            if result:
                self.notify(self.tracker.tag(ids, *result))
                self.reload_items()

        where = self.describe_filter()
        self.push_screen(Confirm(f"Tag all {len(ids)} items in {where}?"), confirmed)

    def _tag_words(self) -> list[str]:
        tags = (terminal_safe(tag, multiline=False) for tag in self.store.tag_counts())
        return [*filter(None, tags), *self.lexicon.theme_ids]

    def action_edit_themes(self) -> None:
        """e: accept, add or reject themes on the item under the cursor."""
        current = self.current_detail()
        if current is None:
            return
        guesses = {t.id: t.score for t in self.lexicon.classify(current.title, current.text).themes}
        decisions = self.store.user_theme_decisions(current.id)

        def done(changed: dict[str, bool | None] | None) -> None:
            if changed:
                self.notify(self.tracker.decide_themes(current.id, changed))
                self._redraw_current()

        self.push_screen(ThemeEditor(self.lexicon.themes, guesses, decisions), done)

    def action_undo(self) -> None:
        """u: undo the last tagging action."""
        self.notify(self.tracker.undo())
        self.reload_items()

    # ------------------------------------------------------------------ help & palette

    def action_help(self) -> None:
        """?: list every key."""
        self.push_screen(
            HelpScreen(
                [
                    ("Everywhere", list(self.BINDINGS)),
                    ("Item list", list(ItemList.BINDINGS)),
                    ("Sources, Themes and Actors panels", list(CountedList.BINDINGS)),
                    ("Reader", list(Reader.BINDINGS)),
                    (
                        "Moving between panels",
                        [
                            Binding("tab", "", "Next panel"),
                            Binding("shift+tab", "", "Previous panel"),
                            Binding("ctrl+p", "", "Command palette"),
                        ],
                    ),
                ]
            )
        )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help: list every key", "Show the key bindings", self.action_help)
        yield SystemCommand(
            "Mark all read", "Mark every item in the filter read", self.action_mark_all_read
        )
        yield SystemCommand(
            "Tag all in filter", "Tag every item in the current filter", self.action_tag_all
        )
        yield SystemCommand("Undo", "Undo the last tagging action", self.action_undo)
        yield SystemCommand("Refresh all feeds", "Fetch every feed now", self.action_refresh_all)
        yield SystemCommand(
            "Refresh this feed", "Fetch the selected feed now", self.action_refresh_one
        )
        yield SystemCommand("Add source", "Add a feed by URL", self.action_add_source)
        yield SystemCommand(
            "Import default feeds",
            "Add the shipped AI-geopolitics feed list",
            self.import_default_feeds,
        )
        yield SystemCommand("Import OPML", "Add feeds from an OPML file", self.action_import_opml)
        yield SystemCommand(
            "Export OPML", "Write every feed to an OPML file", self.action_export_opml
        )
        yield SystemCommand(
            "Re-theme everything", "Re-score all items with the lexicon", self.action_retheme
        )
        yield SystemCommand(
            "Fetch full article",
            "Fetch the item's web page and keep its main text (f)",
            self.action_fetch_article,
        )
        yield SystemCommand(
            "What aigeo learned",
            "Phrases your theme decisions suggest for the lexicon (L)",
            self.action_learned,
        )
        yield SystemCommand("Trends", "Rising themes and actors, weekly charts", self.action_trends)
        yield SystemCommand(
            "Stories / items", "One row per story, or every item", self.action_toggle_stories
        )
        yield SystemCommand(
            "Write a brief", "The current filter's top stories to a file", self.action_brief
        )


def make_app(
    db_path: str | Path,
    *,
    clock: Clock = utc_clock,
    settings: Settings | None = None,
    poll_settings: PollSettings | None = None,
    offer_defaults: bool = False,
) -> AigeoApp:
    """The dashboard on the database at `db_path` (the CLI and the tests both use this).

    `offer_defaults` asks, once per database, whether to add the default feed list.
    """
    return AigeoApp(
        Store.open(db_path),
        clock=clock,
        settings=settings,
        poll_settings=poll_settings,
        offer_defaults=offer_defaults,
    )
