"""The aigeo dashboard application: thin glue between the panels and the store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, OptionList

from tui.model import ThemeDef
from tui.store import ItemQuery, Store
from tui.themes import load_lexicon
from tui.ui.widgets.items import ItemList
from tui.ui.widgets.reader import Reader
from tui.ui.widgets.sources import SourcesPanel, parse_source_option
from tui.ui.widgets.themes import ThemesPanel, parse_theme_option

Clock = Callable[[], datetime]


def utc_clock() -> datetime:
    """The real clock (tests pass a fixed one)."""
    return datetime.now(UTC)


class AigeoApp(App[None]):
    """Sources and Themes on the left; the item list over the reading pane on the right."""

    TITLE = "aigeo"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("j", "cursor_down", "Move", key_display="j/k"),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("tab", "focus_next", "Next panel", priority=True),
        Binding("shift+tab", "focus_previous", "Previous panel", show=False, priority=True),
        Binding("escape", "back_to_list", "Back", show=False),
    ]

    def __init__(self, store: Store, *, clock: Clock = utc_clock) -> None:
        super().__init__()
        self.store = store
        self.clock = clock
        self.lexicon = load_lexicon()
        self.theme_defs: dict[str, ThemeDef] = {t.id: t for t in self.lexicon.themes}
        self.query_filter = ItemQuery()

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield SourcesPanel(id="sources")
                yield ThemesPanel(id="themes")
            with Vertical(id="right"):
                yield ItemList(self.store, self.clock, id="items")
                yield Reader(id="reader")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_panels()
        self.apply_filter()
        self.query_one(ItemList).focus()

    def on_resize(self) -> None:
        """Slim the left column on narrow terminals."""
        self.screen.set_class(self.size.width < 100, "-narrow")

    # ------------------------------------------------------------------ data → panels

    def refresh_panels(self) -> None:
        """Recount sources and themes."""
        self.query_one(SourcesPanel).show_sources(self.store.source_summaries())
        self.query_one(ThemesPanel).show_themes(self.lexicon.themes, self.store.theme_counts())

    def apply_filter(self) -> None:
        """Reload the item list for the current filter and say what it is."""
        items = self.query_one(ItemList)
        items.load(self.query_filter)
        self.sub_title = self.describe_filter()
        items.border_subtitle = f"{items.count} items"
        self.show_current()

    def describe_filter(self) -> str:
        """The active filter in words, for the header."""
        parts = []
        if self.query_filter.source_id is not None:
            source = self.store.get_source(self.query_filter.source_id)
            parts.append(f"source: {source.title if source else '?'}")
        if self.query_filter.theme:
            theme = self.theme_defs.get(self.query_filter.theme)
            parts.append(f"theme: {theme.name if theme else self.query_filter.theme}")
        return " · ".join(parts) or "all items"

    def show_current(self) -> None:
        """Show the item under the list cursor in the reading pane."""
        items, readers = self.query(ItemList), self.query(Reader)
        if not items or not readers:  # shutting down: the panels are already gone
            return
        current = items.first().current_item
        detail = self.store.get_item(current.id) if current else None
        readers.first().show(detail, self.theme_defs)

    # ------------------------------------------------------------------ events

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if isinstance(event.option_list, SourcesPanel):
            self.query_filter.source_id = parse_source_option(event.option_id)
        elif isinstance(event.option_list, ThemesPanel):
            self.query_filter.theme = parse_theme_option(event.option_id)
        else:
            return
        self.apply_filter()

    def on_item_list_highlighted(self, event: ItemList.Highlighted) -> None:
        self.show_current()

    def on_item_list_selected(self, event: ItemList.Selected) -> None:
        self.action_open_item()

    # ------------------------------------------------------------------ actions

    def action_open_item(self) -> None:
        """Open the item under the cursor: mark it read and move focus to the reader."""
        items = self.query_one(ItemList)
        current = items.current_item
        if current is None:
            return
        if not current.read:
            self.store.set_read([current.id], True)
            current.read = True
            items.refresh_item(current)
            self.refresh_panels()
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


def make_app(db_path: str | Path, *, clock: Clock = utc_clock) -> AigeoApp:
    """The dashboard on the database at `db_path` (the CLI and the tests both use this)."""
    return AigeoApp(Store.open(db_path), clock=clock)
