"""App-wide messages of the dashboard: how panels report what the user picked.

Every side panel reports a selection the same way, as `Picked(kind, value)`, and is
refreshed the same way, by `DashboardScreen.refresh_panels()` handing it plain data.
No panel parses another panel's option ids and none talks to the store.
"""

from __future__ import annotations

from typing import Literal

from textual.message import Message

PickKind = Literal["all-sources", "source", "category", "view", "tag", "theme", "actor"]


class Picked(Message):
    """A panel row was chosen: filter by it (`value` None: clear that filter)."""

    def __init__(self, kind: PickKind, value: str | int | None) -> None:
        super().__init__()
        self.kind: PickKind = kind
        self.value = value


class SourceHighlighted(Message):
    """The Sources panel's cursor is on a source (the reader previews its health)."""

    def __init__(self, source_id: int) -> None:
        super().__init__()
        self.source_id = source_id


class StoreChanged(Message):
    """Another writer (cron, the CLI) changed the database: re-read what is shown."""
