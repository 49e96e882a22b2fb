"""The reading loop: open, next/previous unread, J/K from the reader, Space, A, l.

Next/previous unread walk the list the user sees (its rows are fetched in blocks); past
the end of a source's list, `n` goes on to the next source that has unread items, as
newsboat's does.
"""

from __future__ import annotations

from dataclasses import replace

from tui.ui.actions.base import Dashboard
from tui.ui.widgets.reader import Reader

SCAN_LIMIT = 5000  # rows walked looking for an unread one before giving up on the list


class ReadingActions:
    """Enter Esc n p J K Space A l o y: reading items one after another."""

    def __init__(self, view: Dashboard) -> None:
        self.view = view
        self.hide_read = False

    def open_item(self) -> None:
        """Open the item under the cursor: mark it read and move focus to the reader."""
        self._open_current()
        self.view.reader.focus()

    def _open_current(self) -> None:
        current = self.view.items.current_item
        if current is None:
            return
        if not current.read:
            self.view.shared.store.set_read([current.id], True)
            self.view.redraw_current()  # shows the current item too
        else:
            self.view.show_current()

    def _unread_index(self, step: int) -> int | None:
        """The next (step +1) or previous (-1) unread row from the cursor, if any."""
        items = self.view.items
        index = items.cursor + step
        for _ in range(SCAN_LIMIT):
            if not 0 <= index < items.count:
                return None
            row = items.row(index)
            if row is not None and not row.read:
                return index
            index += step
        return None

    def next_unread(self) -> None:
        """n: the next unread item (on to the next source with unread when this one is done)."""
        self._jump_unread(+1)

    def previous_unread(self) -> None:
        """p: the previous unread item."""
        self._jump_unread(-1)

    def _jump_unread(self, step: int) -> None:
        index = self._unread_index(step)
        if index is None and step > 0 and self._next_source_with_unread():
            index = 0 if self._is_unread(0) else self._unread_index(+1)
        if index is None:
            self.view.notify("No more unread items" if step > 0 else "No earlier unread item")
            return
        self.view.items.cursor = index
        self._follow()

    def _is_unread(self, index: int) -> bool:
        row = self.view.items.row(index)
        return row is not None and not row.read

    def _next_source_with_unread(self) -> bool:
        """Filtered on one source with nothing unread left: move to the next such source."""
        current = self.view.query_filter.source_id
        if current is None:
            return False
        summaries = self.view.shared.store.source_summaries()
        ids = [s.source.id for s in summaries]
        start = ids.index(current) + 1 if current in ids else 0
        for summary in summaries[start:] + summaries[:start]:
            if summary.unread and summary.source.id != current:
                self.view.query_filter = replace(
                    self.view.query_filter, source_id=summary.source.id
                )
                self.view.apply_filter()
                self.view.notify(f"Next feed with unread items: {summary.source.title}")
                return True
        return False

    def _follow(self) -> None:
        """After a jump: when reading, open the new item in the reader (marks it read)."""
        if isinstance(self.view.app.focused, Reader):
            self._open_current()

    def next_item(self) -> None:
        """J: the next item, opened in the reader."""
        self.view.items.cursor += 1
        self._open_current()

    def previous_item(self) -> None:
        """K: the previous item, opened in the reader."""
        self.view.items.cursor -= 1
        self._open_current()

    def page_or_next(self) -> None:
        """Space in the reader: page down; at the end, open the next unread item."""
        reader = self.view.reader
        if reader.scroll_y < reader.max_scroll_y:
            reader.scroll_page_down(animate=False)
            return
        index = self._unread_index(+1)
        if index is None and self._next_source_with_unread():
            index = 0 if self._is_unread(0) else self._unread_index(+1)
        if index is None:
            self.view.notify("No more unread items")
            return
        self.view.items.cursor = index
        self._open_current()

    def mark_source_read(self) -> None:
        """A: mark every item of the current item's source (or the filtered one) read."""
        source_id = self.view.query_filter.source_id
        if source_id is None:
            current = self.view.items.current_item
            source_id = current.source_id if current else None
        if source_id is None:
            return
        ids = self.view.shared.store.mark_read_where(
            replace(self.view.query_filter, source_id=source_id, search=None), True
        )
        source = self.view.shared.store.get_source(source_id)
        name = source.title if source else "this feed"
        self.view.notify(f"Marked {len(ids)} read in {name}")
        self.view.reload_items()

    def toggle_hide_read(self) -> None:
        """l: show only unread items, or everything again."""
        self.hide_read = not self.hide_read
        self.view.apply_filter()
        self.view.notify(
            "Showing unread items only (l: all)"
            if self.hide_read
            else "Showing all items (l: unread only)"
        )

    def open_link(self) -> None:
        """o: open the item's link in the browser (http/https only)."""
        url = self._current_url()
        if url is None:
            return
        if not self.view.shared.browser_available():
            self.view.app.copy_to_clipboard(url)
            self.view.notify(
                "No web browser found here: the link is copied to the clipboard instead",
                severity="warning",
            )
            return
        self.view.app.open_url(url)
        self.view.notify("Opening the link in your browser")

    def copy_link(self) -> None:
        """y: copy the item's link to the clipboard (OSC 52)."""
        url = self._current_url()
        if url:
            self.view.app.copy_to_clipboard(url)
            self.view.notify("Link copied")

    def _current_url(self) -> str | None:
        current = self.view.items.current_item
        url = current.url if current else None
        if not url or not url.lower().startswith(("http://", "https://")):
            self.view.notify("This item has no web link", severity="warning")
            return None
        return url
