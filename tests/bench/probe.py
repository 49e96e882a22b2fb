"""Dashboard probe: one process that starts an app, times its first frame, optionally acts.

    python -m tests.bench.probe hello --t0 EPOCH --out OUT.json
    python -m tests.bench.probe aigeo --db DB --t0 EPOCH --out OUT.json [--interact]

Both apps run the same way: headless at 160x48, under `App.run(headless=True)`. `aigeo`
goes through the real command line (the entry point's collector pause, then
`tui.cli.group.main(["--db", DB])`: click, the seed-corpus check, `make_app`,
`App.run`), with `App.run` patched to run headless; `hello` is a one-Static Textual app.
Start-up is the time from `--t0` (the parent's clock just before it started this
process, so interpreter start and every import count) to the first frame: the first
compositor update handed to `App._display` (headless skips only the terminal write).

With `--interact` the aigeo probe then times, each as key press to the next frame
(Textual's Pilot): one row down (`j`, which also shows the item in the reading pane),
opening an item (`enter`: mark read, recount, focus the reader), and typing a search
query one key at a time. Peak RSS is this process's `ru_maxrss`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

SIZE = (160, 48)
TYPED = "chips export controls theme:chips is:unread"
NOW_ISO = "2025-07-09T12:00:00+00:00"


class Frames:
    """Records when frames are produced (patched into App._display)."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.first = asyncio.Event()

    def install(self) -> None:
        from textual.app import App

        original = App._display
        frames = self

        def _display(app: Any, screen: Any, renderable: Any) -> None:
            original(app, screen, renderable)
            if renderable is not None:
                frames.times.append(time.time())
                frames.first.set()

        App._display = _display  # type: ignore[method-assign]

    def first_after(self, started: float) -> float | None:
        """The time of the first frame produced at or after `started`."""
        return next((t for t in self.times if t >= started), None)

    def after(self, started: float) -> float | None:
        """The time of the last frame produced at or after `started`."""
        later = [t for t in self.times if t >= started]
        return later[-1] if later else None


def _patch_run(pilot_fn: Any) -> None:
    """Make every App.run headless at SIZE with our auto-pilot."""
    from textual.app import App

    original = App.run

    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        kwargs.update(headless=True, size=SIZE, auto_pilot=pilot_fn)
        return original(self, *args, **kwargs)

    App.run = run  # type: ignore[method-assign]


async def _timed_key(
    pilot: Any, frames: Frames, key: str, settled: list[float] | None = None
) -> float:
    """Milliseconds from a key press to the first frame after it; with `settled`, also
    appends the time to the last frame once the app is idle again (e.g. the reader)."""
    started = time.time()
    await pilot.press(key)
    await pilot.pause()
    await pilot.pause()
    first = frames.first_after(started) or time.time()
    if settled is not None:
        settled.append(((frames.after(started) or time.time()) - started) * 1000)
    return (first - started) * 1000


async def _interact(pilot: Any, frames: Frames, result: dict[str, Any]) -> None:
    app = pilot.app
    from tui.ui.widgets.items import ItemList

    items = app.query_one(ItemList)
    result["listed"] = items.count
    settled: list[float] = []
    downs = [await _timed_key(pilot, frames, "j", settled) for _ in range(40)]
    opens: list[float] = []
    opened: list[float] = []
    for _ in range(8):
        await _timed_key(pilot, frames, "enter", opened)
        opens.append(opened[-1])
        await pilot.press("escape")
        await pilot.press("j")
        await pilot.pause()
    result["row_down_ms"] = downs
    result["row_down_settled_ms"] = settled
    result["open_item_ms"] = opens
    result["search_ms"], result["search_method"] = await _search(pilot, frames)
    result["search_landed_ms"] = _LANDED


async def _search(pilot: Any, frames: Frames) -> tuple[list[float], str]:
    """Type TYPED one key at a time; each key to the first frame after it (its echo).

    The query runs off the key path (a debounced worker), so what a keystroke costs the
    user is the time to see the key in the box; the list follows once the query lands
    (that is recorded as `search_landed_ms`, key to the frame after the last query).
    """
    app = pilot.app
    searching = app.dashboard.searching
    await pilot.press("slash")
    await pilot.pause()
    times: list[float] = []
    for char in TYPED:
        started = time.time()
        await pilot.press("space" if char == " " else char)
        first = frames.first_after(started)
        while first is None and time.time() - started < 5:
            await asyncio.sleep(0.001)
            first = frames.first_after(started)
        times.append(((first or time.time()) - started) * 1000)
    started = time.time()
    while searching.pending and time.time() - started < 120:
        await pilot.pause(0.01)
    await pilot.pause()
    _LANDED.append(((frames.after(started) or time.time()) - started) * 1000)
    return times, "SearchBar keystrokes (key to its echo; the query runs in a worker)"


_LANDED: list[float] = []


def main() -> None:
    """Command line (see the module docstring)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("app", choices=("hello", "aigeo"))
    parser.add_argument("--db")
    parser.add_argument("--t0", type=float, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--interact", action="store_true")
    args = parser.parse_args()
    if args.app == "aigeo":  # what the `aigeo` script does first (tui.entry.run)
        from tui.startup import pause_collector

        pause_collector()
    frames = Frames()
    result: dict[str, Any] = {"app": args.app}

    async def pilot_fn(pilot: Any) -> None:
        await frames.first.wait()
        result["first_frame_s"] = frames.times[0] - args.t0
        if args.interact:
            await _interact(pilot, frames, result)
        pilot.app.exit()

    from textual.app import App

    frames.install()
    _patch_run(pilot_fn)
    if args.app == "hello":
        from textual.app import ComposeResult
        from textual.widgets import Static

        class Hello(App[None]):
            def compose(self) -> ComposeResult:
                yield Static("Hello, world")

        Hello().run()
    else:
        import tui.cli.group
        from tui.cli.group import main as cli

        tui.cli.group.has_terminal = lambda: True  # headless on purpose (see _patch_run)

        with contextlib.suppress(SystemExit):
            cli(["--db", args.db], prog_name="aigeo", standalone_mode=False)
    result["max_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    args.out.write_text(json.dumps(result))


def summary(values: list[float]) -> dict[str, float]:
    """p50, p95 and max of a list of milliseconds."""
    if not values:
        return {}
    p95 = statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]
    return {"p50": statistics.median(values), "p95": p95, "max": max(values)}


if __name__ == "__main__":
    sys.exit(main())
