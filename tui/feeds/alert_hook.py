"""The alert hook: a user's command run once per alert with the alert as JSON on stdin.

    [alerts]
    command = ["notify-send", "aigeo"]    # or a string, split like a shell would (shlex)
    timeout_s = 10

Never through a shell (argv is executed as is), in its own session so a timeout kills
what it started too, stdout discarded, the end of stderr kept. A hook that fails, hangs
or does not exist is recorded on its view (`views.hook_error`) and changes nothing
else: the items and alerts are already committed when it runs. At most
`MAX_RUNS_PER_REFRESH` run for one refresh (a flood of alerts is not a fork bomb), at
most `PARALLEL` at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
import signal
from dataclasses import dataclass
from typing import Any

from tui.text import json_text

DEFAULT_TIMEOUT_S = 10.0
MAX_RUNS_PER_REFRESH = 20
PARALLEL = 4
STDERR_KEPT = 300


@dataclass(frozen=True, slots=True)
class AlertHook:
    """The configured command and its time limit."""

    argv: tuple[str, ...]
    timeout_s: float = DEFAULT_TIMEOUT_S

    @classmethod
    def from_mapping(cls, table: dict[str, Any]) -> tuple[AlertHook | None, list[str]]:
        """The hook of an `[alerts]` table (None when no command), and any problems."""
        problems: list[str] = []
        command = table.get("command")
        argv: list[str] = []
        if isinstance(command, str):
            try:
                argv = shlex.split(command)
            except ValueError as exc:
                problems.append(f"alerts.command: {exc}")
        elif isinstance(command, list) and all(isinstance(p, str) for p in command):
            argv = list(command)
        elif command is not None:
            problems.append("alerts.command: expected a string or a list of strings")
        timeout = table.get("timeout_s", DEFAULT_TIMEOUT_S)
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
            problems.append("alerts.timeout_s: expected a number of seconds > 0")
            timeout = DEFAULT_TIMEOUT_S
        for key in table:
            if key not in ("command", "timeout_s"):
                problems.append(f"alerts.{key}: unknown setting")
        if not argv:
            return None, problems
        return cls(tuple(argv), float(timeout)), problems


async def run_hook(hook: AlertHook, document: dict[str, Any]) -> str | None:
    """Run the hook once with `document` on stdin; None on success, else what went wrong."""
    payload = (json_text(document, indent=None) + "\n").encode("utf-8", "surrogatepass")
    try:
        process = await asyncio.create_subprocess_exec(
            *hook.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        return f"cannot run {hook.argv[0]!r}: {exc.strerror or exc}"
    try:
        _out, err = await asyncio.wait_for(process.communicate(payload), hook.timeout_s)
    except TimeoutError:
        _kill_group(process.pid)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(process.wait(), 5)
        return f"timed out after {hook.timeout_s:g} s (killed)"
    except asyncio.CancelledError:
        _kill_group(process.pid)
        raise
    if process.returncode == 0:
        return None
    tail = err.decode("utf-8", "replace").strip()[-STDERR_KEPT:]
    status = process.returncode
    reason = (
        f"killed by signal {-status}" if status is not None and status < 0 else f"exit {status}"
    )
    return f"{reason}: {tail}" if tail else reason


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


class HookRunner:
    """The hook runs of one refresh: started as alerts are raised, awaited at its end.

    Past `MAX_RUNS_PER_REFRESH` further alerts are not run and their views say so.
    """

    def __init__(self, hook: AlertHook) -> None:
        self.hook = hook
        self._slots = asyncio.Semaphore(PARALLEL)
        self._tasks: list[asyncio.Task[None]] = []
        self._outcome: dict[int, str | None] = {}  # view id → last error (None: ok)
        self.runs = 0

    def submit(self, view_id: int, document: dict[str, Any]) -> None:
        """Start the hook for one alert (on the running event loop)."""
        if self.runs >= MAX_RUNS_PER_REFRESH:
            self._outcome[view_id] = (
                f"more than {MAX_RUNS_PER_REFRESH} alerts in one refresh: the rest not run"
            )
            return
        self.runs += 1
        self._tasks.append(asyncio.get_running_loop().create_task(self._one(view_id, document)))

    async def _one(self, view_id: int, document: dict[str, Any]) -> None:
        async with self._slots:
            error = await run_hook(self.hook, document)
        if error or view_id not in self._outcome:
            self._outcome[view_id] = error

    async def drain(self) -> dict[int, str | None]:
        """Wait for every run (each bounded by the timeout); view id → outcome."""
        tasks, self._tasks = self._tasks, []
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        outcome, self._outcome = self._outcome, {}
        self.runs = 0
        return outcome

    def cancel(self) -> None:
        """Stop every run now (their process groups are killed)."""
        for task in self._tasks:
            task.cancel()
