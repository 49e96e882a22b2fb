"""The dashboard's start-up check of the whole file, run while the dashboard starts.

SQLite's quick_check reads every page: ~0.3 s of CPU at 100k items (180 MB), growing
with the file, and at 1M items it would be most of the start-up. So the dashboard no
longer waits for it before its first frame. Decision (issue 14): the check runs in a
thread from launch (SQLite lets go of the GIL while it reads), and until its verdict
every write to the file in this process waits for it (`tui.dbfile.hold_writes`; the
UI, the refresh thread and the seed loader all write through `Store.write`). A damaged
file is therefore still never written to, as when the check ran first: a write that
came too early waits (at most the check's length), then goes through or is refused.
On a damaged file the dashboard leaves and the command line says why (tui.cli.group);
a read that meets the damage before the verdict is answered the same way
(AigeoApp._handle_exception). `aigeo refresh` uses the same check while it reads and
fetches (Context.check_before_writes); `poll` still checks before it starts.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from pathlib import Path

from tui import dbfile
from tui.store.base import StoreError, describe_database_error


def _yield_to_the_ui() -> None:
    """Lower this thread's CPU priority (Linux: a thread id is a pid for setpriority), so
    on a busy machine the check takes CPU the dashboard does not want, not what it does;
    the verdict comes later then, and only writes wait for it."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)


class DatabaseCheck:
    """One quick_check of the file at `path` in a thread; writes wait for its verdict.

    `on_damage` is called from the thread when the file is refused (a refresh cancels
    itself); `yield_cpu` lowers the thread's priority (the dashboard: its first frame
    matters more than an early verdict; a refresh, which waits for it to write, not).
    """

    def __init__(
        self,
        path: Path,
        *,
        on_damage: Callable[[], None] | None = None,
        yield_cpu: bool = True,
    ) -> None:
        self.path = Path(path)
        self.problem: str | None = None  # the sentence for the user, once done
        self._done = threading.Event()
        self._settle: Callable[[str | None], None] = lambda reason: None
        self._on_damage = on_damage
        self._yield_cpu = yield_cpu

    def start(self) -> DatabaseCheck:
        """Hold this process's writes to the file and start checking it."""
        key = dbfile.file_key(self.path)
        if key is None:  # a new database (this process creates it): nothing to check,
            self._done.set()  # and a check racing its migrations could misread it
            return self
        self._settle = dbfile.hold_writes(key)
        threading.Thread(target=self._run, name="aigeo-quick-check", daemon=True).start()
        return self

    def _run(self) -> None:
        if self._yield_cpu:
            _yield_to_the_ui()
        problem: str | None = None
        try:
            problem = self._verdict()
        except BaseException as exc:  # unknown: refuse to write rather than guess
            problem = describe_database_error(self.path, f"could not be checked: {exc}")
        finally:
            self.problem = problem
            self._settle(problem)
            self._done.set()
        if problem and self._on_damage is not None:
            self._on_damage()

    def _verdict(self) -> str | None:
        from tui.store import Store

        try:
            store = Store.open(self.path, migrate=False)  # migrating writes: it waits for us
        except StoreError as exc:
            return str(exc)
        try:
            complaint = store.quick_check()
        finally:
            store.close()
        if complaint is None:
            return None
        return describe_database_error(self.path, f"malformed: {complaint}", untouched=True)

    def done(self) -> bool:
        """Whether the verdict is in."""
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> str | None:
        """The verdict (None: sound), waiting up to `timeout` seconds for it."""
        self._done.wait(timeout)
        return self.problem
