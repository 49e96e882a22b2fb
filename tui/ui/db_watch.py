"""The dashboard watches the file under it and stops writing when it is no longer sound.

Every WATCH_INTERVAL_S the watch asks three cheap questions: is the file at the path
still the one opened (st_dev, st_ino: not deleted, moved or replaced); does this
process hold a -wal or -shm that was deleted under it (/proc/self/fd, on Linux: the
way databases were destroyed in issue 10); does the connection still read the file
(PRAGMA data_version; a damaged header or page raises). On a "no", it *stops
writing*: the file is poisoned in tui.dbfile (every Store on it in this process,
the refresh thread's included, refuses to write), the UI connection is switched to
query_only, and the user is told what happened and what to do. It never repairs or
rewrites anything itself.

A database error from the user's writes (a damaged page found while starring) goes
the same way instead of killing the app: `guard_writes` wraps the Tracker.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui import dbfile
from tui.store import StoreError, describe_database_error

if TYPE_CHECKING:
    from textual.app import App

    from tui.store import Store

WATCH_INTERVAL_S = 2.0


def deleted_side_files(path: Path) -> list[str]:
    """This process's descriptors on a deleted database, -wal or -shm (Linux only)."""
    fd_dir = Path("/proc/self/fd")
    if not fd_dir.is_dir():
        return []
    prefix = str(path.resolve())
    found = []
    for fd in list(fd_dir.iterdir()):
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith(prefix) and target.endswith(" (deleted)"):
                found.append(target.removesuffix(" (deleted)"))
    return found


class DatabaseWatch:
    """The timer's state: the file's identity at start and the stop reason, if any."""

    def __init__(self, app: App[Any], store: Store) -> None:
        self.app = app
        self.store = store
        self.path = store.path
        self.identity = store.file_key
        self.stopped: str | None = None

    def start(self) -> None:
        """Check now and every WATCH_INTERVAL_S from now on."""
        if self.path is not None:
            self.app.set_interval(WATCH_INTERVAL_S, self.check_now)

    def problem(self) -> str | None:
        """What is wrong with the file under the dashboard, or None."""
        path = self.path
        if path is None:
            return None
        now = dbfile.file_key(path)
        if now is None:
            return f"{path} was deleted or moved away while the dashboard had it open"
        if self.identity is not None and now != self.identity:
            return f"{path} was replaced by another file while the dashboard had it open"
        if deleted := deleted_side_files(path):
            return (
                f"another program deleted {', '.join(sorted(set(deleted)))} while the "
                "dashboard was using it (a network filesystem, or an SQLite tool that "
                "broke the locking)"
            )
        try:
            self.store.conn.execute("PRAGMA data_version").fetchone()
        except sqlite3.DatabaseError as exc:
            return describe_database_error(path, exc)
        return None

    def check_now(self) -> None:
        """The timer's tick: stop writing if the file is no longer sound."""
        if self.stopped is None and (problem := self.problem()):
            self.stop(problem)

    def stop(self, reason: str) -> None:
        """Refuse every later write in this process and tell the user, once."""
        if self.stopped is not None:
            return
        message = (
            f"Stopped writing: {reason}. Nothing more is written to this file; quit (q), "
            f"check it with `sqlite3 {self.path} 'PRAGMA integrity_check'`, and keep a "
            "copy before anything else touches it."
        )
        self.stopped = message
        dbfile.poison(self.identity, message)
        with contextlib.suppress(sqlite3.Error):
            self.store.conn.execute("PRAGMA query_only = ON")
        self.app.sub_title = "STOPPED WRITING: the database file is not sound"
        self.app.notify(message, severity="error", timeout=3600)


WRITE_METHODS = ("toggle_star", "set_read", "mark_all_read", "tag", "decide_themes", "undo")


def guard_writes(tracker: Any, watch: DatabaseWatch) -> None:
    """Make the tracker's writes (each returns the line the app shows) answer a database
    error with the watch's verdict instead of raising into Textual, which would end the
    app with a traceback (issue 10, step 5). The error also stops writing, unless it is
    only a lock another writer held past the busy timeout."""

    def guarded(method: Callable[..., str]) -> Callable[..., str]:
        @functools.wraps(method)
        def call(*args: Any, **kwargs: Any) -> str:
            try:
                return method(*args, **kwargs)
            except (StoreError, sqlite3.DatabaseError) as exc:
                text = str(exc)
                if watch.stopped is None and ("locked" in text.lower() or "busy" in text.lower()):
                    return describe_database_error(watch.path, text)
                watch.stop(watch.problem() or describe_database_error(watch.path, text))
                return watch.stopped or str(exc)

        return call

    for name in WRITE_METHODS:
        if hasattr(tracker, name):
            setattr(tracker, name, guarded(getattr(tracker, name)))
