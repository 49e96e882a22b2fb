"""The two ways to run the poller: `refresh_sources` (sync; its own event loop, for the
CLI and the UI's worker thread, via `refresh_async`) and `poll_forever` (`aigeo poll`)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from tui.feeds.alert_hook import AlertHook
from tui.feeds.poller import POLL_RETRY_S, Poller
from tui.feeds.refresh_types import FeedResult, PollSettings, ProgressCallback, RefreshSummary
from tui.feeds.schedule import (
    parse_time,
)
from tui.feeds.workers import (
    ParseFunction,
    parse_and_classify,
)


async def refresh_async(
    db_path: str | Path,
    source_ids: Sequence[int] | None = None,
    *,
    settings: PollSettings | None = None,
    on_progress: ProgressCallback | None = None,
    due_only: bool = False,
    cancel: threading.Event | None = None,
    parser: ParseFunction = parse_and_classify,
    alert_hook: AlertHook | None = None,
) -> RefreshSummary:
    """The async core: one refresh run with its own client, pool and store thread."""
    async with Poller(db_path, settings, parser=parser, alert_hook=alert_hook) as poller:
        return await poller.refresh(
            source_ids, due_only=due_only, on_progress=on_progress, cancel=cancel
        )


def refresh_sources(
    db_path: str | Path,
    source_ids: Sequence[int] | None = None,
    settings: PollSettings | None = None,
    on_progress: ProgressCallback | None = None,
    *,
    due_only: bool = False,
    cancel: threading.Event | None = None,
    parser: ParseFunction = parse_and_classify,
    alert_hook: AlertHook | None = None,
) -> RefreshSummary:
    """Refresh sources synchronously (runs its own event loop: call it from a worker thread).

    `on_progress(done, total, result)` is called on the calling thread after each source;
    setting `cancel` from another thread (the UI quitting) ends the refresh early.
    """
    return asyncio.run(
        refresh_async(
            db_path,
            source_ids,
            settings=settings,
            on_progress=on_progress,
            due_only=due_only,
            cancel=cancel,
            parser=parser,
            alert_hook=alert_hook,
        )
    )


async def poll_forever(
    db_path: str | Path,
    settings: PollSettings | None = None,
    *,
    on_result: Callable[[FeedResult], None] | None = None,
    max_sleep_s: float = 60.0,
    stop: asyncio.Event | None = None,
    parser: ParseFunction = parse_and_classify,
    alert_hook: AlertHook | None = None,
) -> None:
    """Refresh each source as it comes due, until cancelled (Ctrl+C) or `stop` is set.

    Sleeps until the earliest next check time, but at most `max_sleep_s`, so sources
    added meanwhile (by the UI or `aigeo add`) are picked up. `on_result` gets each
    feed's result when its round is over: only then are the round's stories assigned
    and its watched views' alerts counted (a round stopped midway reports nothing; what
    it stored stays stored).
    """
    stop = stop or asyncio.Event()
    async with Poller(db_path, settings, parser=parser, alert_hook=alert_hook) as poller:
        while not stop.is_set():
            summary = await poller.refresh(due_only=True)
            if on_result is not None:
                for result in summary.results:
                    with contextlib.suppress(Exception):  # a display bug must not stop polling
                        on_result(result)
            wait = max_sleep_s
            upcoming = await poller.next_check_at()
            if upcoming is not None and (when := parse_time(upcoming)) is not None:
                wait = (when - datetime.now(UTC)).total_seconds()
            elif upcoming is None and await poller.has_feeds():
                wait = POLL_RETRY_S  # a source never checked (just added): soon
            wait = min(max_sleep_s, max(1.0, wait))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), wait)
