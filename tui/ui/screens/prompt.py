"""A one-line text prompt (add a source, import or export a file, name a view)."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from tui.ui.widgets.ordered_input import OrderedInput


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
    TextPrompt #prompt-hint { display: none; }
    TextPrompt.-hinted #prompt-hint { display: block; }
    TextPrompt .problem { color: $error; height: auto; }
    TextPrompt #prompt-problem { display: none; }
    TextPrompt.-problem #prompt-problem { display: block; }
    """

    def __init__(
        self,
        title: str,
        *,
        placeholder: str = "",
        value: str = "",
        hint: str = "",
        check: Callable[[str], str | None] | None = None,
    ) -> None:
        """`check` runs on Enter: a problem it returns is shown and the text is kept."""
        super().__init__()
        self._check = check
        self._title = title
        self._placeholder = placeholder
        self._value = value
        self._hint = hint

    def on_mount(self) -> None:
        self.set_class(bool(self._hint), "-hinted")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._title, markup=False)
            yield OrderedInput(value=self._value, placeholder=self._placeholder)
            yield Label(self._hint, classes="hint", id="prompt-hint", markup=False)
            yield Label("", classes="problem", id="prompt-problem", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if value and self._check is not None:
            problem = self._check(value)
            if problem:
                self.show_problem(problem)
                return
        self.dismiss(value or None)

    def show_problem(self, problem: str) -> None:
        """Say what is wrong, keeping the dialog and its text."""
        self.query_one("#prompt-problem", Label).update(problem)
        self.add_class("-problem")

    def action_cancel(self) -> None:
        self.dismiss(None)
