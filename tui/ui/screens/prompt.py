"""A one-line text prompt (add a source, import or export a file, name a view)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class TextPrompt(ModalScreen[str | None]):
    """Asks for one line of text; Enter returns it (stripped), Escape returns None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    TextPrompt { align: center middle; }
    TextPrompt Label { width: 100%; }
    TextPrompt > Vertical {
        width: 80; max-width: 95%; height: auto;
        border: round $accent; background: $surface; padding: 0 1;
    }
    TextPrompt .hint { color: $text-muted; }
    """

    def __init__(
        self, title: str, *, placeholder: str = "", value: str = "", hint: str = ""
    ) -> None:
        super().__init__()
        self._title = title
        self._placeholder = placeholder
        self._value = value
        self._hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._title, markup=False)
            yield Input(value=self._value, placeholder=self._placeholder)
            if self._hint:
                yield Label(self._hint, classes="hint", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
