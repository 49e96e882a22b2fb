"""Live updates: one timer notices other writers (cron, the CLI, another dashboard).

SQLite's `PRAGMA data_version` changes when another connection commits to the file
(never for this connection's own writes), so polling it costs one tiny read per tick.
Other checks of the same kind (e.g. the database file's identity) join the same timer
with `add()` instead of starting timers of their own.
"""

from __future__ import annotations

from collections.abc import Callable

from tui.store import Store

WATCH_SECONDS = 2.0

Check = Callable[[], None]


class StoreWatch:
    """Checks run on every tick; `changed` is called when another writer committed."""

    def __init__(self, store: Store, changed: Callable[[], None]) -> None:
        self._store = store
        self._changed = changed
        self._version = self._data_version()
        self._checks: list[Check] = []

    def add(self, check: Check) -> None:
        """Run `check` on every tick too (it reports what it finds itself)."""
        self._checks.append(check)

    def _data_version(self) -> int:
        row = self._store.conn.execute("PRAGMA data_version").fetchone()
        return int(row[0])

    def tick(self) -> None:
        """One poll: other writers first, then every added check."""
        version = self._data_version()
        if version != self._version:
            self._version = version
            self._changed()
        for check in self._checks:
            check()
