"""The refresh status line: a progress bar while feeds are fetched, then a summary."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar


class RefreshBar(Horizontal):
    """Hidden until a refresh starts; shows done/total and the feed just finished."""

    DEFAULT_CSS = """
    RefreshBar { height: 1; display: none; padding: 0 1; }
    RefreshBar.-active { display: block; }
    RefreshBar > Label { width: 1fr; color: $text-muted; padding-left: 1; }
    RefreshBar > ProgressBar { width: auto; }
    """

    def compose(self) -> ComposeResult:
        yield ProgressBar(total=1, show_eta=False, id="refresh-progress")
        yield Label("", id="refresh-label", markup=False)

    def start(self, total: int) -> None:
        """Show the bar for `total` sources."""
        self.add_class("-active")
        bar = self.query_one(ProgressBar)
        bar.update(total=max(1, total), progress=0)
        self.query_one(Label).update(f"Refreshing {total} feed{'s' if total != 1 else ''}…")

    def advance(self, done: int, total: int, message: str) -> None:
        """One more source finished."""
        self.query_one(ProgressBar).update(total=max(1, total), progress=done)
        self.query_one(Label).update(f"{done}/{total}  {message}")

    def finish(self) -> None:
        """Hide the bar."""
        self.remove_class("-active")
