"""The theme editor: accept, add or reject each theme on an item, one key per theme."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from tui.model import ThemeDef

THEME_KEYS = "1234567890abcdefghijklmnoprstvwxyz"  # one key per theme, in lexicon order
STATES = (None, True, False)  # automatic → yes (you) → no (you) → automatic


def next_state(state: bool | None) -> bool | None:
    """The decision after one more press of a theme's key."""
    return STATES[(STATES.index(state) + 1) % len(STATES)]


class ThemeEditor(ModalScreen[dict[str, bool | None] | None]):
    """Shows every theme with the classifier's guess and the user's decision.

    Returns the decisions that changed (theme id → True/False/None), or None if cancelled.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("enter", "save", "Save"),
        Binding("A", "accept_guesses", "Accept all guesses"),
    ]
    DEFAULT_CSS = """
    ThemeEditor { align: center middle; }
    ThemeEditor > Vertical {
        width: 76; max-width: 98%; height: auto; max-height: 95%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    ThemeEditor .hint { color: $text-muted; }
    """

    def __init__(
        self,
        themes: list[ThemeDef],
        guesses: dict[str, float],
        decisions: dict[str, bool],
    ) -> None:
        super().__init__()
        self._themes = themes[: len(THEME_KEYS)]
        self._guesses = guesses
        self._original: dict[str, bool | None] = {t.id: decisions.get(t.id) for t in themes}
        self.decisions: dict[str, bool | None] = dict(self._original)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Themes of this item", classes="hint")
            yield Static(id="theme-rows")
            yield Label(
                "key: auto → yes → no → auto   A: accept all guesses   Enter: save   Esc: cancel",
                classes="hint",
            )

    def on_mount(self) -> None:
        self._render_rows()

    def on_key(self, event: events.Key) -> None:
        if event.character and event.character in THEME_KEYS:
            index = THEME_KEYS.index(event.character)
            if index < len(self._themes):
                theme_id = self._themes[index].id
                self.decisions[theme_id] = next_state(self.decisions[theme_id])
                self._render_rows()
                event.stop()

    def _render_rows(self) -> None:
        rows = Text()
        for key, theme in zip(THEME_KEYS, self._themes, strict=False):
            decision = self.decisions[theme.id]
            guess = self._guesses.get(theme.id)
            applies = decision if decision is not None else guess is not None
            rows.append(f" {key} ", style="bold reverse")
            rows.append(" ✓ " if applies else "   ", style="green" if applies else "")
            rows.append(theme.name.ljust(34))
            rows.append(f"guess {guess:.2f}  " if guess is not None else "no guess    ", "dim")
            label = {None: "auto", True: "yes (you)", False: "no (you)"}[decision]
            rows.append(label, style="bold" if decision is not None else "dim")
            rows.append("\n")
        self.query_one("#theme-rows", Static).update(rows)

    def action_accept_guesses(self) -> None:
        for theme_id in self._guesses:
            if theme_id in self.decisions:
                self.decisions[theme_id] = True
        self._render_rows()

    def action_save(self) -> None:
        changed = {k: v for k, v in self.decisions.items() if v != self._original[k]}
        self.dismiss(changed)

    def action_cancel(self) -> None:
        self.dismiss(None)
