"""Waiting helpers for Pilot tests (events with generous timeouts, never fixed sleeps)."""

from __future__ import annotations

from textual.pilot import Pilot

from tests.support.pilot import until
from tui.ui.app import AigeoApp

__all__ = ["screen_text", "searched", "until"]


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
