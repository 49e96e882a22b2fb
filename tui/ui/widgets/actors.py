"""The Actors panel: who the items of the current filter name, most named first."""

from __future__ import annotations

from rich.text import Text

from tui.ui.format import plain
from tui.ui.messages import Picked
from tui.ui.widgets.counted import CountedList, CountedRow

ALL_ACTORS = "actor:*all"
ACTOR_LIMIT = 60


def actor_option_id(actor: str) -> str:
    """The option id of an actor row."""
    return f"actor:{actor}"


def parse_actor_option(option_id: str | None) -> str | None:
    """The actor of an option id (None for "All actors")."""
    if not option_id or option_id == ALL_ACTORS:
        return None
    return option_id.split(":", 1)[1]


class ActorsPanel(CountedList):
    """Actors named in the current filter with their item counts; Enter filters by one."""

    BORDER_TITLE = "Actors"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.selected: str | None = None

    def show_actors(self, counts: list[tuple[str, int]], selected: str | None) -> None:
        """Show the counts; the selected actor is marked (and kept even at zero)."""
        self.selected = selected
        rows = [CountedRow(ALL_ACTORS, Text("All actors", style="bold"), None)]
        names = [name for name, _ in counts]
        if selected and selected.casefold() not in {n.casefold() for n in names}:
            counts = [(selected, 0), *counts]
        for name, count in counts:
            chosen = selected is not None and name.casefold() == selected.casefold()
            label = plain(("● " if chosen else "") + name, style="bold" if chosen else "")
            rows.append(CountedRow(actor_option_id(name), label, count))
        self.show_rows(rows)
        self.border_subtitle = f"filter: {selected}" if selected else ""

    def picked(self, option_id: str) -> Picked | None:
        return Picked("actor", parse_actor_option(option_id))
