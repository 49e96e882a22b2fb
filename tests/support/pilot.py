"""Waiting on the dashboard through the Pilot: for a condition, never for a fixed time.

A key press returns before every screen it pushes has mounted and rendered; on a loaded
machine that takes more than one `pilot.pause()`. `until` pauses in short steps until the
condition holds, with a generous timeout, so a test waits exactly as long as it must.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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


RAISED = "_raised_in_tests"  # attribute of textual's Notifications: every toast ever added


def record_notifications() -> Callable[[], None]:
    """Make every app keep each toast it raised (tests/conftest.py does this for every
    test); returns the undo. `app._notifications` forgets a toast once its timeout
    passes (5 s by default), and a loaded machine can take longer than that between
    the action and the assertion: the full-article, Trends and macro tests failed so."""
    from textual.notifications import Notification, Notifications

    original = Notifications.add

    def add(self: Notifications, notification: Notification) -> Notifications:
        self.__dict__.setdefault(RAISED, []).append(notification)
        return original(self, notification)

    Notifications.add = add  # type: ignore[method-assign]

    def undo() -> None:
        Notifications.add = original  # type: ignore[method-assign]

    return undo


def raised(app: object) -> list[Any]:
    """Every toast `app` raised (Textual Notification objects), expired or not."""
    notifications = app._notifications  # type: ignore[attr-defined]
    return list(notifications.__dict__.get(RAISED, []))
