"""The "What aigeo learned" screen: per theme, the decisions and the phrases they suggest.

The user marks suggestions (space) and accepts them (a); the screen returns the chosen
suggestions and the app writes them to the lexicon overlay and re-themes. `d` dismisses
the highlighted one for good (`on_dismiss` records it, as `aigeo learned --dismiss`
does): it is struck out here and never suggested again.
Every text is shown as plain `Text` (phrases come from feed text: never markup).
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui.themes.learning import Learned, Suggestion


def suggestion_prompt(s: Suggestion, chosen: bool) -> Text:
    """One suggestion row: mark, phrase, score, weight, evidence and impact."""
    row = Text()
    row.append("[x] " if chosen else "[ ] ", style="bold green" if chosen else "dim")
    row.append(f"{s.phrase:<28}", style="bold")
    row.append(f" score {s.score:>5.2f}  weight {s.weight:g}  ", style="dim")
    row.append(s.evidence())
    row.append("  → ", style="dim")
    row.append(s.impact(), style="red" if s.conflicts else "cyan")
    return row


def theme_prompt(name: str, accepted: int, rejected: int, note: str) -> Text:
    """A theme's heading row: its name and how many decisions it has."""
    row = Text()
    row.append(name, style="bold underline")
    row.append(f"  {accepted} accepted, {rejected} rejected", style="dim")
    if note:
        row.append(f"  ({note})", style="italic dim")
    return row


class LearnedScreen(ModalScreen[list[Suggestion] | None]):
    """Lists what was learned; returns the suggestions to add (None or [] for none)."""

    BINDINGS = [
        Binding("escape,q", "close", "Close"),
        Binding("space,enter", "toggle_mark", "Mark / unmark"),
        Binding("a", "accept", "Add marked to lexicon"),
        Binding("d", "dismiss_suggestion", "Dismiss for good"),
    ]
    DEFAULT_CSS = """
    LearnedScreen { align: center middle; }
    LearnedScreen > Vertical {
        width: 96%; height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    LearnedScreen OptionList { height: 1fr; border: none; }
    LearnedScreen .hint { color: $text-muted; }
    """

    def __init__(
        self, learned: Learned, on_dismiss: Callable[[Suggestion], None] | None = None
    ) -> None:
        super().__init__()
        self.learned = learned
        self.suggestions = learned.suggestions()
        self.chosen: set[int] = set()
        self.dismissed: set[int] = set()
        self._on_dismiss = on_dismiss

    def compose(self) -> ComposeResult:
        found = self.learned
        overlay = f" · overlay: {found.overlay}" if found.overlay else ""
        with Vertical():
            yield Label("What aigeo learned from your theme decisions", classes="title")
            yield Label(
                f"{found.decisions} decisions, compared with {found.items_scanned} items{overlay}",
                classes="hint",
                markup=False,
            )
            yield OptionList(*self._options(), id="learned")
            yield Label(
                "space: mark   a: add marked phrases to your lexicon and re-theme   "
                "d: dismiss for good   Esc: close",
                classes="hint",
            )

    def _options(self) -> list[Option]:
        options: list[Option] = []
        if not self.learned.themes:
            text = "No theme decisions yet: press e on an item to accept, add or reject themes."
            return [Option(Text(text), disabled=True)]
        index = 0
        for theme in self.learned.themes:
            heading = theme_prompt(theme.theme.name, theme.accepted, theme.rejected, theme.note)
            options.append(Option(heading, id=f"theme:{theme.theme.id}", disabled=True))
            for s in theme.suggestions:
                options.append(Option(suggestion_prompt(s, False), id=f"s:{index}"))
                index += 1
        return options

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        listing.focus()
        if self.suggestions:
            listing.highlighted = listing.get_option_index("s:0")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_toggle_mark()

    def _highlighted(self) -> tuple[str, int] | None:
        """The highlighted suggestion's option id and index, if one is highlighted."""
        listing = self.query_one(OptionList)
        if listing.highlighted is None:
            return None
        option_id = listing.get_option_at_index(listing.highlighted).id or ""
        if not option_id.startswith("s:"):
            return None
        return option_id, int(option_id.split(":", 1)[1])

    def action_toggle_mark(self) -> None:
        """Mark or unmark the highlighted suggestion."""
        listing = self.query_one(OptionList)
        found = self._highlighted()
        if found is None or found[1] in self.dismissed:
            return
        option_id, index = found
        self.chosen ^= {index}
        prompt = suggestion_prompt(self.suggestions[index], index in self.chosen)
        listing.replace_option_prompt(option_id, prompt)

    def action_dismiss_suggestion(self) -> None:
        """d: never suggest the highlighted phrase for its theme again."""
        found = self._highlighted()
        if found is None or found[1] in self.dismissed or self._on_dismiss is None:
            return
        option_id, index = found
        suggestion = self.suggestions[index]
        self._on_dismiss(suggestion)
        self.dismissed.add(index)
        self.chosen.discard(index)
        listing = self.query_one(OptionList)
        struck = Text(
            f"    {suggestion.phrase}  (dismissed: not suggested again)", style="dim strike"
        )
        listing.replace_option_prompt(option_id, struck)
        listing.disable_option(option_id)

    def action_accept(self) -> None:
        """Return the marked suggestions (nothing marked: the highlighted one)."""
        if not self.chosen:
            self.action_toggle_mark()
        self.dismiss([self.suggestions[i] for i in sorted(self.chosen)])

    def action_close(self) -> None:
        self.dismiss(None)
