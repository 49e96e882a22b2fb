"""The tag prompt: several tags at once, completion over existing tags and theme ids."""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label

from tui.plain_text import terminal_safe
from tui.ui.widgets.ordered_input import OrderedInput

_SEPARATORS = re.compile(r"[\s,]+")
_TAG_CHARS = re.compile(r"[^\w\-./:+]")


def parse_tags(text: str) -> tuple[list[str], list[str]]:
    """Split prompt text into (tags to add, tags to remove); '-tag' removes.

    Tags are lowercased, trimmed of characters other than letters, digits and -_./:+,
    and capped at 64 characters.
    """
    add: list[str] = []
    remove: list[str] = []
    for raw in _SEPARATORS.split(text.strip()):
        target = remove if raw.startswith("-") and len(raw) > 1 else add
        tag = _TAG_CHARS.sub("", raw.lstrip("-").lower())[:64]
        if tag and tag not in target:
            target.append(tag)
    return add, remove


class LastWordSuggester(Suggester):
    """Completes the word being typed from a list, keeping the words before it."""

    def __init__(self, words: list[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self._words = sorted(set(words))

    async def get_suggestion(self, value: str) -> str | None:
        if not value or value[-1] in " ,":
            return None
        head, _, last = value.rpartition(" ")
        prefix = last.lstrip("-").lower()
        if not prefix:
            return None
        for word in self._words:
            if word.startswith(prefix) and word != prefix:
                sign = "-" if last.startswith("-") else ""
                return f"{head} {sign}{word}".lstrip() if head else f"{sign}{word}"
        return None


class TagPrompt(ModalScreen[tuple[list[str], list[str]] | None]):
    """Asks for tags; returns (add, remove), or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("tab", "complete", "Complete", priority=True),
    ]
    DEFAULT_CSS = """
    TagPrompt { align: center middle; }
    TagPrompt Label { width: 100%; }
    TagPrompt > Vertical {
        width: 70; max-width: 95%; height: auto;
        border: round $accent; background: $surface; padding: 0 1;
    }
    TagPrompt Label { color: $text-muted; }
    """

    def __init__(self, title: str, known: list[str], current: list[str]) -> None:
        super().__init__()
        self._title = title
        self._known = known
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(terminal_safe(self._title, multiline=False), markup=False)
            yield OrderedInput(
                placeholder="tags separated by spaces; -tag removes; Tab completes",
                suggester=LastWordSuggester(self._known),
                id="tags",
            )
            current = terminal_safe(", ".join(self._current), multiline=False) or "none"
            yield Label(f"Current tags: {current}", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        add, remove = parse_tags(event.value)
        self.dismiss((add, remove) if add or remove else None)

    def action_complete(self) -> None:
        """Accept the suggested completion (Tab), then type on."""
        field = self.query_one(Input)
        if field._suggestion:
            field.value = field._suggestion + " "
            field.cursor_position = len(field.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
