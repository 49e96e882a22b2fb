"""Waiting helpers for Pilot tests (events with generous timeouts, never fixed sleeps)."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.pilot import Pilot

from tui.ui.app import AigeoApp


async def until(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 20.0) -> None:
    """Let the app run until `condition` holds (fails after `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the app"
        await pilot.pause(0.02)


async def searched(app: AigeoApp, pilot: Pilot[None]) -> None:
    """Wait until the search typed so far is shown in the list: no query pending, and the
    one shown is the box's whole text (under load the last keystroke's message can
    still be queued when an earlier, debounced query lands)."""
    searching = app.dashboard.searching
    await pilot.pause()
    await until(
        pilot,
        lambda: not searching.pending and searching.shown_text == searching.bar.input.value,
    )
    await pilot.pause()


def screen_text(app: AigeoApp) -> str:
    """The text of the current screen's screenshot (spaces as spaces)."""
    import html

    return html.unescape(app.export_screenshot()).replace("\xa0", " ")
