"""One owner of the database file's handles per process.

POSIX advisory locks belong to a (process, file) pair, not to a descriptor: closing
*any* descriptor on the database file drops every lock this process holds on it,
including those of its open SQLite connections. Another process then believes it is
the last connection, checkpoints and deletes the -wal and -shm files, and this process
goes on writing into a deleted WAL (SQLite's "How To Corrupt An SQLite Database File",
§2.2). That is how the dashboard and a cron `aigeo refresh` destroyed databases: every
Store.open read the file's header with a plain `open()` and closed it again, while the
dashboard's UI connection was open on the same file.

So every connection aigeo makes to a database file goes through `connect()` here. A
per-process registry counts this process's connections per file identity
(st_dev, st_ino); the plain-file checks (`check`, which reads the header) run only
while that count is zero, under the registry's lock, so no connection of this process
can hold a lock on the file at that moment. Nothing else in aigeo may open the
database, its -wal or its -shm with `open()`: use SQLite (ATTACH, the backup API).

A file found damaged or replaced under a running process is *poisoned* here: every
later write through a Store on it is refused (Store.write checks `poisoned()`), so a
process stops writing instead of writing into a file that is no longer the database.

A file whose check is still running is *held*: writes to it wait for the verdict
(`hold_writes` / `await_verdict`; tui.store.check), so the dashboard draws and `aigeo
refresh` reads and fetches while SQLite's quick_check reads the whole file, and neither
ever writes into a damaged one.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

FileKey = tuple[int, int]

_lock = threading.Lock()
_open: dict[FileKey, int] = {}
_poisoned: dict[FileKey, str] = {}
_held: dict[FileKey, threading.Event] = {}

#: The files SQLite keeps beside a database (their names are the database's + suffix).
SIDE_FILE_SUFFIXES = ("-wal", "-shm", "-journal")


def file_key(path: Path) -> FileKey | None:
    """The identity of the file at `path` (device, inode), or None when there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def connect(
    path: Path, check: Callable[[Path], None], *, timeout: float
) -> tuple[sqlite3.Connection, FileKey | None]:
    """A new SQLite connection to `path`, registered; `check(path)` runs first unless
    this process already holds a connection on the same file (where a plain open and
    close of the file would drop that connection's locks)."""
    with _lock:
        before = file_key(path)
        if before is None or not _open.get(before):
            check(path)
        conn = sqlite3.connect(path, isolation_level=None, timeout=timeout)
        key = file_key(path)
        if key is not None:
            _open[key] = _open.get(key, 0) + 1
        return conn, key


def release(key: FileKey | None) -> None:
    """Forget one connection on the file `key` (after the connection was closed)."""
    if key is None:
        return
    with _lock:
        left = _open.get(key, 0) - 1
        if left > 0:
            _open[key] = left
        else:
            _open.pop(key, None)


def open_connections(path: Path) -> int:
    """How many registered connections this process holds on the file at `path`."""
    key = file_key(path)
    with _lock:
        return _open.get(key, 0) if key is not None else 0


def poison(key: FileKey | None, reason: str) -> None:
    """Refuse every later write to the file `key` in this process, saying `reason`."""
    if key is None:
        return
    with _lock:
        _poisoned.setdefault(key, reason)


def poisoned(key: FileKey | None) -> str | None:
    """Why writes to the file `key` are refused in this process, or None."""
    if key is None:
        return None
    return _poisoned.get(key)


def hold_writes(key: FileKey | None) -> Callable[[str | None], None]:
    """Make every write to the file `key` in this process wait for a verdict; returns
    the `settle` that gives it: `settle(None)` lets the writes through, `settle(reason)`
    poisons the file first, so they are refused with `reason`."""
    if key is None:
        return lambda reason: None
    event = threading.Event()
    with _lock:
        _held[key] = event

    def settle(reason: str | None) -> None:
        if reason is not None:
            poison(key, reason)
        with _lock:
            if _held.get(key) is event:
                del _held[key]
        event.set()

    return settle


def await_verdict(key: FileKey | None) -> None:
    """Wait until a held file (`hold_writes`) has its verdict; at once when none is due."""
    event = _held.get(key) if key is not None else None
    if event is not None:
        event.wait()


def is_database_family(database: Path, candidate: Path) -> bool:
    """True when `candidate` is the database file or one of the files SQLite keeps
    beside it (writing there would destroy the database)."""
    database = Path(database)
    candidate = Path(candidate)
    names = [database] + [Path(f"{database}{suffix}") for suffix in SIDE_FILE_SUFFIXES]
    for name in names:
        if os.path.abspath(name) == os.path.abspath(candidate):
            return True
        try:
            if candidate.exists() and name.exists() and os.path.samefile(name, candidate):
                return True
        except OSError:
            continue
    return False


def _forget_after_fork() -> None:
    """A forked child holds none of its parent's locks and must not use its connections.

    A verdict still due in the parent never reaches the child (the checking thread is
    not forked): the child refuses to write to that file rather than wait for ever."""
    global _lock
    _lock = threading.Lock()
    _open.clear()
    for key in list(_held):
        _poisoned.setdefault(key, "the database was still being checked when this process started")
    _held.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)
