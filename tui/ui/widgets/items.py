"""The item list: newest first, paged in from SQLite as the cursor nears the end."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from tui.model import ItemRow
from tui.store import ItemQuery
from tui.ui.format import age, plain, theme_chips

COLUMNS: tuple[tuple[str, str, int | None], ...] = (
    ("age", "Age", 4),
    ("source", "Source", 16),
    ("title", "Title", None),  # takes the rest of the width
    ("themes", "Themes", 26),
)
COMPACT_COLUMNS: tuple[tuple[str, str, int | None], ...] = (
    ("age", "Age", 4),
    ("title", "Title", None),
    ("themes", "Themes", 14),
)
COMPACT_BELOW = 90  # content width under which the source column is dropped
PAGE_SIZE = 200
LOAD_MORE_MARGIN = 40

Fetch = Callable[[ItemQuery], list[ItemRow]]


class ItemList(DataTable[Text]):
    """Rows of items (age, source, title, themes); the row key is the item id."""

    BORDER_TITLE = "Items"
    BINDINGS = [
        Binding("enter", "select_cursor", "Open"),
        Binding("g", "scroll_top", "Top", show=False),
        Binding("G", "scroll_bottom", "Bottom", show=False),
    ]

    def __init__(self, fetch: Fetch, now: Callable[[], datetime], **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
        self._fetch = fetch
        self._now = now
        self._query = ItemQuery(limit=PAGE_SIZE)
        self._exhausted = False
        self._compact = False
        self.rows_by_id: dict[int, ItemRow] = {}

    def on_mount(self) -> None:
        self._add_columns()

    def _columns(self) -> tuple[tuple[str, str, int | None], ...]:
        return COMPACT_COLUMNS if self._compact else COLUMNS

    def _add_columns(self) -> None:
        for key, label, width in self._columns():
            self.add_column(label, width=width or 20, key=key)

    def on_resize(self) -> None:
        """Drop the source column when narrow; give the title what the others leave."""
        width = self.scrollable_content_region.width
        compact = width < COMPACT_BELOW
        if compact != self._compact:
            self._compact = compact
            self._rebuild()
        pad = 2 * self.cell_padding
        fixed = sum(w + pad for _, _, w in self._columns() if w)
        title = self.columns[ColumnKey("title")]
        title.width = max(10, width - fixed - pad)
        title.auto_width = False
        self._require_update_dimensions = True
        self.refresh()

    def _rebuild(self) -> None:
        """Re-create the columns and rows (same items, same cursor)."""
        row = self.cursor_row
        cached = list(self.rows_by_id.values())
        exhausted, self._exhausted = self._exhausted, True
        self.clear(columns=True)
        self._add_columns()
        now = self._now()
        for item in cached:
            self.add_row(*self._cells(item, now), key=str(item.id))
        self._exhausted = exhausted
        if self.row_count:
            self.move_cursor(row=min(row, self.row_count - 1))

    def load(self, query: ItemQuery) -> None:
        """Show the first page of a new query, cursor on the first row."""
        self._query = ItemQuery(**{**_fields(query), "limit": PAGE_SIZE, "offset": 0})
        self._exhausted = True  # no paging while the table is being reset
        self.rows_by_id.clear()
        self.clear()
        self._load_page()
        if self.row_count:
            self.move_cursor(row=0)

    def _load_page(self) -> None:
        page = self._fetch(ItemQuery(**{**_fields(self._query), "offset": self.row_count}))
        now = self._now()
        for item in page:
            if item.id in self.rows_by_id:
                continue
            self.rows_by_id[item.id] = item
            self.add_row(*self._cells(item, now), key=str(item.id))
        self._exhausted = len(page) < self._query.limit

    def _cells(self, item: ItemRow, now: datetime) -> tuple[Text, ...]:
        style = "" if item.read else "bold"
        title = plain(item.title, style=style)
        if item.starred:
            title = Text.assemble(("★ ", "yellow"), title)
        cells = {
            "age": Text(age(item.published, now), style="dim"),
            "source": plain(item.source, style="dim"),
            "title": title,
            "themes": theme_chips(item.themes),
        }
        return tuple(cells[key] for key, _, _ in self._columns())

    def refresh_item(self, item: ItemRow) -> None:
        """Redraw one row after its read/star state changed."""
        if item.id not in self.rows_by_id:
            return
        self.rows_by_id[item.id] = item
        keys = [key for key, _, _ in self._columns()]
        for key, cell in zip(keys, self._cells(item, self._now()), strict=True):
            self.update_cell(str(item.id), key, cell)

    @property
    def current_item(self) -> ItemRow | None:
        """The item under the cursor."""
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return self.rows_by_id.get(int(key.value or 0))

    def watch_cursor_coordinate(self, old: object, new: object) -> None:
        """Page more rows in as the cursor approaches the end."""
        super().watch_cursor_coordinate(old, new)  # type: ignore[arg-type]
        if not self._exhausted and self.cursor_row >= self.row_count - LOAD_MORE_MARGIN:
            self._load_page()


def _fields(query: ItemQuery) -> dict[str, object]:
    return {name: getattr(query, name) for name in query.__slots__}  # type: ignore[attr-defined]
