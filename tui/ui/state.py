"""What every screen of the dashboard shares: the store, the clock, settings, lexicon.

The App builds one `Shared` and hands it to the screens it pushes; screens and their
action parts read it instead of reaching up to the App (no App type import, no cycle).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tui.config import Settings
from tui.model import ThemeDef
from tui.store import Store
from tui.themes import Lexicon

if TYPE_CHECKING:  # imported when a refresh starts (httpx, multiprocessing)
    from tui.feeds.poll_settings import PollSettings

Clock = Callable[[], datetime]


def utc_clock() -> datetime:
    """The real clock (tests pass a fixed one)."""
    return datetime.now(UTC)


def browser_available() -> bool:
    """Whether Python's webbrowser module finds a browser to open links with."""
    import webbrowser

    try:
        webbrowser.get()
    except webbrowser.Error:
        return False
    return True


@dataclass(slots=True)
class Shared:
    """State shared by the App and its screens (the UI thread owns `store`)."""

    store: Store
    lexicon: Lexicon
    clock: Clock = utc_clock
    settings: Settings = field(default_factory=Settings)
    _poll_settings: PollSettings | None = None
    refresh_cancel: threading.Event = field(default_factory=threading.Event)
    browser_available: Callable[[], bool] = browser_available

    @property
    def db_path(self) -> Path:
        """The database file (":memory:" for an in-memory store)."""
        return self.store.path or Path(":memory:")

    @property
    def theme_defs(self) -> dict[str, ThemeDef]:
        """The lexicon's themes by id."""
        return {t.id: t for t in self.lexicon.themes}

    @property
    def poll_settings(self) -> PollSettings:
        """The refresh limits (defaults unless the app was given some)."""
        if self._poll_settings is None:
            from tui.feeds.poll_settings import PollSettings

            self._poll_settings = PollSettings()
        return self._poll_settings
