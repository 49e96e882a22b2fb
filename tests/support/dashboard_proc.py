"""The real dashboard in its own process, driven through Textual's Pilot over stdin.

`python -m tests.support.dashboard_proc DB` runs `make_app(DB)` under `App.run_test()` and reads
one command per line; it answers each with one JSON line on stdout. Commands press the
keys a user would (R, s, m, t + text + enter, j, q), so the app's own code paths (the
refresh thread with its own connection, the tracker, the UI connection) run exactly as
in `aigeo`; only the terminal is Pilot's. The writer-safety suite runs this beside real
`aigeo` CLI processes on one file.

    pid            → {"pid": N}
    refresh        → R, then wait for the refresh to finish → {"refreshed": true}
    next           → j
    star / read    → s / m on the current item → {"id": N, "starred"/"read": bool}
    tag WORD       → t WORD enter → {"id": N, "tag": WORD}
    watch          → {"stopped": reason-or-null} (the database watch's verdict, now)
    quit           → q → {"quit": true}
An exception inside the app is answered as {"error": "..."} and ends the process.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import traceback
from typing import Any

ANSWER_TIMEOUT_S = 60.0


def answer(document: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(document) + "\n")
    sys.stdout.flush()


async def _wait_refresh(app: Any, pilot: Any) -> None:
    deadline = time.monotonic() + ANSWER_TIMEOUT_S
    await pilot.pause()
    while time.monotonic() < deadline:
        running = [w for w in app.workers if w.group == "refresh" and not w.is_finished]
        if not running:
            await pilot.pause()
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("the dashboard's refresh did not finish")


def _current(app: Any) -> Any:
    return app.query_one("#items").current_item


async def run(db: str) -> None:
    from tui.feeds.refresh_types import PollSettings
    from tui.ui.app import make_app

    settings = PollSettings(trust_env=False, parse_workers=2, jitter=0.0)
    app = make_app(db, poll_settings=settings)
    loop = asyncio.get_running_loop()
    async with app.run_test(size=(160, 48)) as pilot:
        answer({"ready": True})
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                break
            command, _, argument = line.strip().partition(" ")
            if command == "pid":
                import os

                answer({"pid": os.getpid()})
            elif command == "refresh":
                await pilot.press("R")
                await _wait_refresh(app, pilot)
                answer({"refreshed": True})
            elif command == "next":
                await pilot.press("j")
                answer({"ok": True})
            elif command in ("star", "read"):
                item = _current(app)
                await pilot.press("s" if command == "star" else "m")
                await pilot.pause()
                fresh = app.store.get_item(item.id)
                state = fresh.starred if command == "star" else fresh.read
                answer({"id": item.id, command: bool(state)})
            elif command == "tag":
                item = _current(app)
                await pilot.press("t")
                await pilot.pause()
                await pilot.press(*argument, "enter")
                await pilot.pause()
                answer({"id": item.id, "tag": argument})
            elif command == "watch":
                watch = getattr(app, "db_watch", None)
                if watch is not None:
                    watch.check_now()
                answer({"stopped": watch.stopped if watch is not None else None})
            elif command == "quit":
                await pilot.press("q")
                answer({"quit": True})
                break
            else:
                answer({"error": f"unknown command {command!r}"})


def main() -> None:
    try:
        asyncio.run(run(sys.argv[1]))
    except Exception as exc:
        answer({"error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()})
        sys.exit(3)


if __name__ == "__main__":
    main()
