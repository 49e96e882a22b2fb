"""A list of labelled rows with right-aligned counts (base of the Sources and Themes panels)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.events import Resize
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from tui.ui.messages import Picked

HEADING = "heading:"  # option ids of section headings, which cannot be selected


@dataclass(slots=True)
class CountedRow:
    """One row: an option id, a label (already inert Text) and its counts."""

    option_id: str
    label: Text
    total: int | None  # None: a row without counts
    unread: int = 0
    spark: str = ""  # a sparkline shown before the counts when there is room
    mark: str = ""  # a one-character trend mark after the counts


def fit_row(label: Text, counts: str | Text, width: int) -> Text:
    """The label cut to fit `width` with the counts (or any suffix) right-aligned after it."""
    suffix = Text(counts, style="dim") if isinstance(counts, str) else counts
    room = max(1, width - suffix.cell_len - 1)
    row = label.copy()
    if row.cell_len > room:
        row.truncate(room - 1)
        row.append("…")
    row.pad_right(room - row.cell_len)
    row.append(" ")
    row.append_text(suffix)
    return row


class CountedList(OptionList):
    """An OptionList whose rows keep their counts aligned at any width."""

    BINDINGS = [Binding("enter", "select", "Filter")]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._rows: list[CountedRow] = []
        self._rendered_width = -1

    def show_rows(self, rows: list[CountedRow]) -> None:
        """Replace the rows, keeping the highlighted one where it still exists.

        When only counts or labels changed (same rows, same width), just the changed
        rows are re-rendered: a recount after marking one item read touches one or two
        of hundreds of sources.
        """
        old, self._rows = self._rows, rows
        if not self.size.width:
            # Not laid out yet (the panels are filled in on_mount) or hidden: the next
            # Resize renders the rows at their real width (forgetting the width fitted
            # last makes it). Rendering them now as well cost a second pass over every
            # row before the first frame (300 sources: ~40 ms).
            self._rendered_width = -1
            return
        if (
            self._rendered_width == self._row_width()
            and len(old) == len(rows)
            and self.option_count == len(rows)
            and all(a.option_id == b.option_id for a, b in zip(old, rows, strict=True))
        ):
            width = self._rendered_width
            for index, (before, after) in enumerate(zip(old, rows, strict=True)):
                if before != after:
                    self.replace_option_prompt_at_index(
                        index, fit_row(after.label, _suffix(after, width), width)
                    )
            return
        self._render_rows()

    def picked(self, option_id: str) -> Picked | None:
        """What choosing a row means (each panel reads its own option ids)."""
        return None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        message = self.picked(event.option_id or "")
        if message is not None:
            self.post_message(message)

    def _row_width(self) -> int:
        """The room for a row: the content width, less the vertical scrollbar that more
        rows than lines will bring (known before Textual shows it, so the rows are
        fitted once rather than again a frame later)."""
        region = self.scrollable_content_region
        width = region.width
        if (
            not self.show_vertical_scrollbar
            and len(self._rows) > region.height
            and self.styles.overflow_y == "auto"
        ):
            width -= self.styles.scrollbar_size_vertical
        return max(8, width - 1)

    def on_resize(self, event: Resize) -> None:
        if self._row_width() != self._rendered_width:  # rows depend on the width only
            self._render_rows()

    def _check_width(self) -> None:
        """A scrollbar that came or went changes the room without a Resize: re-fit."""
        if self._rows and self._row_width() != self._rendered_width:
            self._render_rows()

    @property
    def highlighted_id(self) -> str | None:
        """The option id under the cursor."""
        if self.highlighted is None:
            return None
        return self.get_option_at_index(self.highlighted).id

    def _render_rows(self) -> None:
        keep = self.highlighted_id
        width = self._rendered_width = self._row_width()
        self.set_options(
            Option(
                fit_row(row.label, _suffix(row, width), width),
                row.option_id,
                disabled=row.option_id.startswith(HEADING),
            )
            for row in self._rows
        )
        if not self._rows:
            return
        self.call_after_refresh(self._check_width)
        try:
            self.highlighted = self.get_option_index(keep) if keep else 0
        except OptionDoesNotExist:  # the row is gone: back to the first one
            self.highlighted = 0


SPARK_MIN_WIDTH = 34  # narrower panels drop the sparklines


def _suffix(row: CountedRow, width: int) -> Text:
    """Sparkline (when wide enough), counts and trend mark, right-aligned."""
    suffix = Text()
    if row.spark and width >= SPARK_MIN_WIDTH:
        suffix.append(row.spark + " ", style="cyan")
    suffix.append(_counts(row).rjust(5 if row.total is not None else 0), style="dim")
    if row.mark:
        style = "green" if row.mark == "▲" else "red"
        suffix.append(row.mark, style=style)
    elif row.spark:
        suffix.append(" ")
    return suffix


def _counts(row: CountedRow) -> str:
    if row.total is None:
        return ""
    return f"{row.unread}/{row.total}" if row.unread else str(row.total)
