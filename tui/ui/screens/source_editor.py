"""Edit a feed in place: its title, URL and category (folder) in one dialog."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from tui.ui.widgets.ordered_input import OrderedInput


@dataclass(frozen=True, slots=True)
class SourceEdit:
    """What the dialog returns."""

    title: str
    url: str
    category: str | None


class SourceEditor(ModalScreen[SourceEdit | None]):
    """Title, URL and category; Enter saves (a bad URL is said and kept), Esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    SourceEditor { align: center middle; }
    SourceEditor > Vertical {
        width: 80; max-width: 95%; height: auto;
        border: round $accent; background: $surface; padding: 0 1;
    }
    SourceEditor Label { width: 100%; }
    SourceEditor #editor-problem { color: $error; }
    """

    def __init__(
        self,
        title: str,
        url: str,
        category: str | None,
        check_url: Callable[[str], str | None],
    ) -> None:
        super().__init__()
        self._values = (title, url, category or "")
        self._check_url = check_url

    def compose(self) -> ComposeResult:
        title, url, category = self._values
        with Vertical():
            yield Label("Edit feed (Tab: next field, Enter: save, Esc: cancel)", markup=False)
            yield Label("Title", markup=False)
            yield OrderedInput(value=title, id="edit-title")
            yield Label("Feed URL", markup=False)
            yield OrderedInput(value=url, id="edit-url")
            yield Label("Category (folder; empty: none)", markup=False)
            yield OrderedInput(value=category, id="edit-category")
            yield Label("", id="editor-problem", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        title = self.query_one("#edit-title", Input).value.strip()
        url = self.query_one("#edit-url", Input).value.strip()
        category = self.query_one("#edit-category", Input).value.strip() or None
        problem = self._check_url(url) if url != self._values[1] else None
        if problem:
            self.query_one("#editor-problem", Label).update(problem)
            return
        self.dismiss(SourceEdit(title or url, url, category))

    def action_cancel(self) -> None:
        self.dismiss(None)
