"""The item list: a virtual list that renders only the visible rows.

Rows come from SQLite in blocks (LIMIT/OFFSET) as they scroll into view and are kept
in a small LRU, so a filter over 100,000 items costs one COUNT and one block, never a
widget holding every row.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import ClassVar, Protocol

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.labels import item_label
from tui.model import ItemQuery, ItemRow
from tui.ui.format import age, plain, theme_chips

BLOCK = 100
CACHED_BLOCKS = 24
COMPACT_BELOW = 90  # content width under which the source column is dropped
AGE_WIDTH = 5
SOURCE_WIDTH = 16
THEMES_WIDTH = 26
COMPACT_THEMES_WIDTH = 14
MAX_THEMES_WIDTH = 60
EMPTY_NOTE = "No items match this filter."


class RowSource(Protocol):
    """Where rows come from (the store, in the app)."""

    def count_items(self, query: ItemQuery | None = None) -> int: ...

    def list_items(self, query: ItemQuery | None = None) -> list[ItemRow]: ...


def _with_stories(query: ItemQuery, stories: bool) -> ItemQuery:
    return replace(query, stories=stories)


def _with_page(query: ItemQuery, offset: int, limit: int) -> ItemQuery:
    return replace(query, offset=offset, limit=limit)


class ItemList(ScrollView, can_focus=True):
    """Items newest first: age, source, marks, title, theme chips. One row per line."""

    BORDER_TITLE = "Items"
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "item-list--cursor",
        "item-list--unread",
        "item-list--read",
        "item-list--dim",
        "item-list--star",
    }
    DEFAULT_CSS = """
    ItemList { overflow-x: hidden; padding: 0 0 0 1; }
    ItemList > .item-list--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    ItemList:blur > .item-list--cursor {
        background: $block-cursor-blurred-background;
        text-style: none;
    }
    ItemList > .item-list--unread { text-style: bold; }
    ItemList > .item-list--read { color: $text-muted; }
    ItemList > .item-list--dim { color: $text-muted; }
    ItemList > .item-list--star { color: $warning; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open"),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("pagedown,space", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("home,g", "first", "First", show=False),
        Binding("end,G", "last", "Last", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)

    class Highlighted(Message):
        """The cursor moved onto an item (or the list became empty: item is None)."""

        def __init__(self, item: ItemRow | None) -> None:
            super().__init__()
            self.item = item

    class Selected(Message):
        """Enter (or a click) on an item."""

        def __init__(self, item: ItemRow) -> None:
            super().__init__()
            self.item = item

    class Loaded(Message):
        """The list now shows a query (a new filter, or a reload)."""

        def __init__(self, query: ItemQuery, prepared: bool = False) -> None:
            super().__init__()
            self.query = query
            self.prepared = prepared  # read by a worker (which also did the side counts)

    def __init__(self, rows: RowSource, now: Callable[[], datetime], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._rows = rows
        self._now = now
        self._query = ItemQuery()
        self._count = 0
        self._blocks: OrderedDict[int, list[ItemRow]] = OrderedDict()
        self._overrides: dict[int, ItemRow] = {}
        self.stories = False  # one row per story (its newest article) instead of every item
        self.highlight_terms: list[str] = []

    # ------------------------------------------------------------------ data

    @property
    def count(self) -> int:
        """Rows matching the current query."""
        return self._count

    @property
    def shown_query(self) -> ItemQuery:
        """The query the list shows (not `query`: that is DOMNode.query())."""
        return self._query

    def with_mode(self, query: ItemQuery) -> ItemQuery:
        """`query` in the list's mode (stories or items)."""
        return query if query.stories == self.stories else _with_stories(query, self.stories)

    def load(
        self,
        query: ItemQuery,
        *,
        keep_item: int | None = None,
        prepared: tuple[int, list[ItemRow]] | None = None,
    ) -> None:
        """Show a query; the cursor goes to `keep_item` if it is still listed, else the top.

        `prepared` is the count and first block already read elsewhere (a search worker),
        so the UI thread runs no SQL for them.
        """
        query = self.with_mode(query)
        self.border_title = "Stories" if self.stories else "Items"
        self._query = query
        self._blocks.clear()
        self._overrides.clear()
        if prepared is None:
            self._count = self._rows.count_items(query)
        else:
            self._count, first = prepared
            if first:
                self._blocks[0] = first
        self.virtual_size = Size(self.scrollable_content_region.width, self._count)
        target = self._find(keep_item) if keep_item is not None else None
        self.cursor = target if target is not None else 0
        if target is None:
            self.scroll_to(y=0, animate=False)
        self.refresh()
        self.post_message(self.Loaded(query, prepared=prepared is not None))

    def reload_in_place(self) -> None:
        """Re-read the rows (another writer changed them) keeping the cursor row and scroll."""
        current = self.current_item
        top = self.scroll_offset.y
        cursor = self.cursor
        self._blocks.clear()
        self._overrides.clear()
        self._count = self._rows.count_items(self._query)
        self.virtual_size = Size(self.scrollable_content_region.width, self._count)
        target = self._find(current.id) if current is not None else None
        if target is None:
            target = min(cursor, max(0, self._count - 1))
        self.scroll_to(y=top + (target - cursor), animate=False)
        self.cursor = target
        self.refresh()

    def reload(self) -> None:
        """Re-read the rows (after new items or state changes), keeping the cursor's item."""
        current = self.current_item
        self.load(self._query, keep_item=current.id if current else None)

    def row(self, index: int) -> ItemRow | None:
        """The item at a list position, fetched in blocks as needed."""
        if not 0 <= index < self._count:
            return None
        number, offset = divmod(index, BLOCK)
        block = self._blocks.get(number)
        if block is None:
            block = self._rows.list_items(_with_page(self._query, number * BLOCK, BLOCK))
            self._blocks[number] = block
            while len(self._blocks) > CACHED_BLOCKS:
                self._blocks.popitem(last=False)
        else:
            self._blocks.move_to_end(number)
        if offset >= len(block):
            return None
        item = block[offset]
        return self._overrides.get(item.id, item)

    def _find(self, item_id: int) -> int | None:
        """The position of an item near the cursor, else among the first few blocks."""
        near = range(max(0, self.cursor - BLOCK), min(self._count, self.cursor + BLOCK))
        candidates: list[int] = [*near, *range(min(self._count, BLOCK * 5))]
        for index in candidates:
            found = self.row(index)
            if found is not None and found.id == item_id:
                return index
        return None

    @property
    def current_item(self) -> ItemRow | None:
        """The item under the cursor."""
        return self.row(self.cursor)

    def refresh_item(self, item: ItemRow) -> None:
        """Redraw an item whose read/star/tags changed, without re-querying."""
        self._overrides[item.id] = item
        self.refresh()

    def visible_ids(self) -> list[int]:
        """Ids of the rows on screen (for tests and 'mark visible read')."""
        top = int(self.scroll_offset.y)
        rows = (self.row(top + y) for y in range(self.scrollable_content_region.height))
        return [r.id for r in rows if r is not None]

    # ------------------------------------------------------------------ cursor

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, self._count - 1)) if self._count else 0

    def watch_cursor(self, old: int, new: int) -> None:
        top = self.scroll_offset.y
        self._scroll_cursor_into_view()
        if self.scroll_offset.y == top:
            # only the two rows whose cursor style changed are rendered again
            self.refresh_line(old)
            self.refresh_line(new)
        else:
            self.refresh()
        self.post_message(self.Highlighted(self.current_item))

    def _scroll_cursor_into_view(self) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_page_down(self) -> None:
        self.cursor += max(1, self.scrollable_content_region.height - 1)

    def action_page_up(self) -> None:
        self.cursor -= max(1, self.scrollable_content_region.height - 1)

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = self._count - 1

    def action_select(self) -> None:
        item = self.current_item
        if item is not None:
            self.post_message(self.Selected(item))

    def on_click(self, event: events.Click) -> None:
        index = int(self.scroll_offset.y) + event.y
        if 0 <= index < self._count:
            if index == self.cursor and event.chain >= 2:
                self.action_select()
            self.cursor = index

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self._count)
        self._scroll_cursor_into_view()

    # ------------------------------------------------------------------ rendering

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = int(self.scroll_offset.y) + y
        item = self.row(index)
        if item is None:
            if index == 0 and self._count == 0:
                note = Text(EMPTY_NOTE, style=self.get_component_rich_style("item-list--dim"))
                strip = Strip(list(note.render(self.app.console)))
                return strip.adjust_cell_length(width, self.rich_style)
            return Strip.blank(width, self.rich_style)
        is_cursor = index == self.cursor
        base = self.get_component_rich_style(
            "item-list--cursor"
            if is_cursor
            else ("item-list--read" if item.read else "item-list--unread")
        )
        text = self._row_text(item, width)
        segments = list(text.render(self.app.console))
        strip = Strip(segments).adjust_cell_length(width, self.rich_style)
        return (
            strip.apply_style(self.rich_style + base)
            if is_cursor
            else Strip(
                [Segment(s.text, base + s.style if s.style else base, s.control) for s in strip]
            )
        )

    def _row_text(self, item: ItemRow, width: int) -> Text:
        # Foreground only: a component style's background would hide the cursor bar.
        dim = Style(color=self.get_component_rich_style("item-list--dim").color)
        star = Style(color=self.get_component_rich_style("item-list--star").color)
        compact = width < COMPACT_BELOW
        themes_width = chip_width(width)
        fixed = AGE_WIDTH + 2 + themes_width + (0 if compact else SOURCE_WIDTH + 1)
        title_width = max(8, width - fixed)
        row = Text(no_wrap=True, overflow="ellipsis", end="")
        row.append(age(item.published, self._now()).rjust(AGE_WIDTH - 1) + " ", dim)
        if not compact:
            row.append_text(_cell(plain(item.source), SOURCE_WIDTH, dim))
            row.append(" ")
        marks = Text(no_wrap=True)
        marks.append("★" if item.starred else " ", star)
        marks.append("●" if not item.read else " ", dim)
        row.append_text(marks)
        title = plain(item_label(item.title, item.lead, item.url))
        if self.highlight_terms:
            title.highlight_words(self.highlight_terms, "reverse", case_sensitive=False)
        if item.story_sources > 1:  # before the title: long titles are cut at the end
            title = Text(f"+{item.story_sources - 1} ", style="cyan") + title
        if item.note:  # the analyst wrote a note on it (i)
            title = Text("✎ ", style="yellow") + title
        tags = plain("#" + " #".join(item.tags), style=dim) if item.tags else Text()
        # the tags keep their place: the title is cut before them (up to half the room)
        tags_room = min(tags.cell_len, title_width // 2) if item.tags else 0
        gap = 2 if tags_room else 0
        row.append_text(_cell(title, title_width - tags_room - gap, Style()))
        if tags_room:
            row.append(" " * gap)
            row.append_text(_cell(tags, tags_room, dim))
        row.append(" ")
        chips = theme_chips(item.themes, limit=max(3, themes_width // 9))
        row.append_text(_cell(chips, themes_width - 1, dim))
        return row


def chip_width(width: int) -> int:
    """The theme-chip column: 14 when compact, 26 at 160 columns, growing with the width."""
    if width < COMPACT_BELOW:
        return COMPACT_THEMES_WIDTH
    return max(THEMES_WIDTH, min(MAX_THEMES_WIDTH, width // 5))


def _cell(text: Text, width: int, style: Style) -> Text:
    """Text cut or padded to exactly `width` cells."""
    cell = text.copy()
    cell.no_wrap = True
    if cell.cell_len > width:
        cell.truncate(max(0, width - 1), overflow="crop")
        cell.append("…")
    cell.pad_right(width - cell.cell_len)
    if style:
        cell.stylize(style, 0, len(cell))
    return cell
