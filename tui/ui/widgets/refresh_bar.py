"""The refresh status line: a progress bar while feeds are fetched, then a summary.

Its progress bar and label are mounted by the first refresh, not at start-up: the
ProgressBar is three widgets with their CSS, ~5-10 ms of the first frame for a line
that is hidden until a refresh starts. Its module (with Textual's clock, ETA and bar
renderable) is imported then too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import Horizontal
from textual.widgets import Label

if TYPE_CHECKING:
    from textual.widgets import ProgressBar


class RefreshBar(Horizontal):
    """Hidden until a refresh starts; shows done/total and the feed just finished."""

    DEFAULT_CSS = """
    RefreshBar { height: 1; display: none; padding: 0 1; }
    RefreshBar.-active { display: block; }
    RefreshBar > Label { width: 1fr; color: $text-muted; padding-left: 1; }
    RefreshBar > ProgressBar { width: auto; }
    """

    def _parts(self) -> tuple[ProgressBar, Label]:
        """The bar and the label, mounted on first use."""
        from textual.widgets import ProgressBar

        bars, labels = self.query("#refresh-progress"), self.query("#refresh-label")
        if bars and labels:
            return bars.first(ProgressBar), labels.first(Label)
        bar = ProgressBar(total=1, show_eta=False, id="refresh-progress")
        label = Label("", id="refresh-label", markup=False)
        self.mount(bar, label)
        return bar, label

    def start(self, total: int) -> None:
        """Show the bar for `total` sources."""
        self.add_class("-active")
        bar, label = self._parts()
        bar.update(total=max(1, total), progress=0)
        label.update(f"Refreshing {total} feed{'s' if total != 1 else ''}…")

    def advance(self, done: int, total: int, message: str) -> None:
        """One more source finished."""
        bar, label = self._parts()
        bar.update(total=max(1, total), progress=done)
        label.update(f"{done}/{total}  {message}")

    def finish(self) -> None:
        """Hide the bar."""
        self.remove_class("-active")
