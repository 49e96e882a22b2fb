"""A yes/no confirmation (for bulk actions)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label


class Confirm(ModalScreen[bool]):
    """Asks a question; y/Enter confirms, n/Escape cancels."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]
    DEFAULT_CSS = """
    Confirm { align: center middle; }
    Confirm Label { width: 100%; }
    Confirm > Vertical {
        width: 64; max-width: 95%; height: auto;
        border: round $warning; background: $surface; padding: 0 1;
    }
    Confirm #hint { color: $text-muted; }
    """

    def __init__(self, question: str) -> None:
        super().__init__()
        self._question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._question, markup=False)
            yield Label("y / Enter: yes    n / Esc: no", id="hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
