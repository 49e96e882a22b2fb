"""The note editor: a small modal over the dashboard for the analyst's note on an item."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea


class NoteEditor(ModalScreen[str | None]):
    """Edit one note: ctrl+s saves (an empty note removes it), escape leaves it as it was.

    Returns the new text, or None when cancelled. The item's title is shown as plain
    text (feed text: never markup).
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save note", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]
    DEFAULT_CSS = """
    NoteEditor { align: center middle; }
    NoteEditor > Vertical {
        width: 90; max-width: 95%; height: 20; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    NoteEditor Label { width: 100%; }
    NoteEditor .hint { color: $text-muted; }
    NoteEditor TextArea { height: 1fr; }
    """

    def __init__(self, title: str, note: str) -> None:
        super().__init__()
        self._title = title
        self._note = note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Note on: {self._title}", markup=False)
            yield TextArea(self._note, id="note-text", soft_wrap=True)
            yield Label(
                "ctrl+s saves (empty removes it) · escape cancels · find it with note:WORD",
                classes="hint",
                markup=False,
            )

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)
