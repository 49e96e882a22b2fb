"""Waiting on the dashboard through the Pilot: for a condition, never for a fixed time.

A key press returns before every screen it pushes has mounted and rendered; on a loaded
machine that takes more than one `pilot.pause()`. `until` pauses in short steps until the
condition holds, with a generous timeout, so a test waits exactly as long as it must.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot


async def until(
    pilot: Pilot[object], condition: Callable[[], object], timeout: float = 60.0
) -> None:
    """Pause until `condition()` is truthy; AssertionError after `timeout` seconds."""
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    assert condition(), f"not reached within {timeout:g} s"
