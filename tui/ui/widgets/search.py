"""The search bar: a query box that filters the item list as you type."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Label

from tui.ui.widgets.ordered_input import OrderedInput


class SearchBar(Horizontal):
    """`/` shows it; typing posts Changed; Enter keeps the filter; Escape clears it."""

    DEFAULT_CSS = """
    SearchBar { height: 3; display: none; }
    SearchBar.-open { display: block; }
    SearchBar > Label { width: auto; padding: 1 1 0 1; color: $accent; }
    SearchBar > Input { width: 1fr; }
    SearchBar > #search-status { width: auto; max-width: 50%; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "clear", "Clear search"),
        Binding("ctrl+s", "save_view", "Save as view"),
    ]

    class Changed(Message):
        """The query text changed (on every keystroke)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Done(Message):
        """Enter: keep the filter and go back to the list (cleared: the text is empty)."""

        def __init__(self, text: str, cleared: bool = False) -> None:
            super().__init__()
            self.text = text
            self.cleared = cleared

    class SaveRequested(Message):
        """Ctrl+S: save the query as a named view."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def compose(self) -> ComposeResult:
        yield Label("/")
        yield OrderedInput(
            placeholder='words "phrases" theme:chips actor:Nvidia tag:brief is:unread since:7d',
            id="search-input",
        )
        yield Label("", id="search-status", markup=False)

    @property
    def input(self) -> Input:
        """The query box."""
        return self.query_one("#search-input", Input)

    def open(self) -> None:
        """Show the bar and focus the box, text selected for replacing.

        Focus moves now, not after the next refresh (Widget.focus defers it): keys typed
        right after `/` (a fast typist, a paste) must land in the box, not run actions.
        The bar is shown by an inline style too, which counts at once: the `-open` class
        takes effect at the next style update, and set_focus refuses a hidden box.
        """
        self.show()
        self.screen.set_focus(self.input)
        self.input.select_all()

    def show(self) -> None:
        """Display the bar now (see `open`)."""
        self.add_class("-open")
        self.display = True

    def hide(self) -> None:
        """Hide the bar."""
        self.remove_class("-open")
        self.display = False

    def set_status(self, text: str) -> None:
        """Say how many match, or what is wrong with the query."""
        self.query_one("#search-status", Label).update(text)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(event.value))

    def submit(self) -> SearchBar.Done:
        """Enter: keep the filter (hide the bar if the box is empty); what was decided.
        The dashboard calls this from its priority Enter binding, so the focus leaves
        the box before the keys typed after Enter are handed on."""
        value = self.input.value
        if not value.strip():
            self.hide()
        return self.Done(value, cleared=not value.strip())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.submit())

    def action_clear(self) -> None:
        self.input.value = ""
        self.hide()
        self.post_message(self.Done("", cleared=True))

    def action_save_view(self) -> None:
        if self.input.value.strip():
            self.post_message(self.SaveRequested(self.input.value))
