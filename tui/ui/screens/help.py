"""The help screen: every key binding of the dashboard, by where it works."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.ui.keys import key_label


def binding_rows(bindings: Sequence[BindingType]) -> list[tuple[str, str]]:
    """(keys, description) for every binding that has a description."""
    rows = []
    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        keys = key_label(binding)
        rows.append((keys, binding.description))
    return rows


class HelpScreen(ModalScreen[None]):
    """Lists the keys; any of Escape, q or ? closes it."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 84; max-width: 98%; height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, sections: Sequence[tuple[str, Sequence[BindingType]]]) -> None:
        super().__init__()
        self._sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            for title, bindings in self._sections:
                table = Table(
                    title=Text(title, style="bold"),
                    title_justify="left",
                    show_header=False,
                    box=None,
                    padding=(0, 2),
                )
                table.add_column(style="bold", min_width=14)
                table.add_column()
                for keys, description in binding_rows(bindings):
                    table.add_row(keys, description)
                yield Static(table)
            yield Static(Text("Esc, q or ? closes this help.", style="dim"))
