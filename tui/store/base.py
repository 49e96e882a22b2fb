"""The store's base: opening an aigeo database file, refusing unusable ones, and the
one write transaction every part uses.

The connection runs in autocommit mode and every write is an explicit
``BEGIN IMMEDIATE`` transaction, so a UI and a cron refresh writing to one file wait
for each other (busy timeout) instead of failing with "database is locked".
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:  # sqlite-utils (~35 ms to import) is loaded when a migration runs
    import sqlite_utils


from tui import dbfile
from tui.store.schema import MIGRATIONS, SCHEMA_VERSION

BUSY_TIMEOUT_MS = 15_000
SEED_SOURCE_URL = "aigeo:seed-corpus"
SEED_SOURCE_TITLE = "Seed corpus"
REQUIRED_TABLES = frozenset({"sources", "items", "item_themes", "item_actors", "tags", "fetches"})


class StoreError(Exception):
    """A database that cannot be used as it is; the message says why and what to do."""


SQLITE_HEADER = b"SQLite format 3\x00"


def _check_database_file(path: Path) -> None:
    """Refuse, before SQLite touches anything, a path that cannot be aigeo's database:
    a directory, a file that is not SQLite, or a file or folder aigeo cannot write."""
    if path.is_dir():
        raise StoreError(f"{path} is a directory, not a database file")
    if path.exists():
        try:
            with path.open("rb") as file:
                header = file.read(len(SQLITE_HEADER))
        except OSError as exc:
            raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from exc
        if header and header != SQLITE_HEADER:  # (an empty file is a new database)
            raise StoreError(
                f"{path} is not a usable aigeo database: it is not an SQLite file (the "
                "wrong file, or damaged from its first bytes). Nothing was changed."
            )
        if not os.access(path, os.W_OK):
            raise StoreError(
                f"{path} is read-only: aigeo writes to its database (new items, read "
                "marks, tags). Make it writable or choose another with --db. "
                "Nothing was changed."
            )
    folder = path.parent
    if folder.exists() and not os.access(folder, os.W_OK | os.X_OK):
        raise StoreError(
            f"the folder {folder} is read-only: SQLite keeps {path.name}-wal and "
            f"{path.name}-shm next to the database. Nothing was changed."
        )


FULL_DISK_BYTES = 1024 * 1024  # less free space than this beside the file: "full"


def _disk_full(path: Path | None) -> bool:
    """True when the filesystem holding `path` has (almost) no space left. SQLite
    often reports a full disk as "disk I/O error" (a failed -shm or -wal extension)."""
    if path is None:
        return False
    try:
        st = os.statvfs(path.parent)
    except OSError:
        return False
    return st.f_bavail * st.f_frsize < FULL_DISK_BYTES


def describe_database_error(
    path: Path | None, exc: sqlite3.Error | str, *, untouched: bool = False
) -> str:
    """A sentence for the user about an SQLite error (or complaint) on `path`;
    `untouched` says nothing was written before it (the sentence then says so)."""
    message = str(exc)
    lowered = message.lower()
    unchanged = " Nothing was changed." if untouched else ""
    if "malformed" in lowered or "corrupt" in lowered:
        return (
            f"{path} is damaged ({message}).{unchanged} SQLite can often save what is "
            f"left: sqlite3 {path} .recover | sqlite3 recovered.db (then "
            "`aigeo --db recovered.db export opml` saves the feed list, and "
            "`aigeo --db recovered.db` works on the copy; the damaged file is kept as it is)"
        )
    if "disk is full" in lowered or "no space left" in lowered or _disk_full(path):
        return (
            f"the disk holding {path} is full ({message}): free some space and try again. "
            "The write that failed was rolled back; what was saved before it is kept."
        )
    if "not a database" in lowered:
        return f"{path} is not an SQLite database ({message}).{unchanged}"
    if "readonly" in lowered or "read-only" in lowered:
        return f"{path} cannot be written ({message}); check its permissions."
    if "locked" in lowered or "busy" in lowered:
        return f"{path} is locked by another program ({message}); try again."
    return f"{path} is not a usable aigeo database: {message.rstrip('.')}.{unchanged}"


def utc_now() -> str:
    """The current time as a UTC ISO 8601 string with seconds precision."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class StoreBase:
    """One open SQLite connection to an aigeo database: opening, checks, migration,
    the write transaction and the meta table. The per-domain parts build on it."""

    def __init__(
        self, conn: sqlite3.Connection, path: Path | None, key: dbfile.FileKey | None = None
    ) -> None:
        self.conn = conn
        self.file_key = key  # the file's (st_dev, st_ino) when opened (tui.dbfile)
        self.path = path
        self._db: sqlite_utils.Database | None = None

    @property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils over the same connection (schema work; loaded on first use)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    # ----------------------------------------------------------------- opening

    @classmethod
    def open(cls, path: str | Path, *, migrate: bool = True) -> Self:
        """Open (creating if needed) the database at `path` and bring its schema up to date.

        A file that is not a database, is read-only, is damaged, is another program's
        database or comes from a newer aigeo raises StoreError saying so, and is left
        exactly as it was: every check runs before anything is written (the switch to
        WAL mode included).
        """
        path = Path(path)
        if path.is_dir():
            raise StoreError(f"{path} is a directory, not a database file")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            folder = path.parent
            raise StoreError(f"cannot create the folder {folder}: {exc.strerror or exc}") from exc
        try:
            # Never open() the file directly: see tui.dbfile (closing any descriptor on
            # it drops this process's SQLite locks). The header check runs there, only
            # while this process has no connection on the file.
            conn, key = dbfile.connect(path, _check_database_file, timeout=BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {path}: {exc}") from exc
        store = cls(conn, path, key)
        try:
            store._configure_connection()
            store._check_schema()  # reads only: a refused file stays untouched
            store._configure_journal()
            store._check_and_migrate(migrate)
        except sqlite3.DatabaseError as exc:
            store.close()
            raise StoreError(describe_database_error(path, exc, untouched=True)) from exc
        except StoreError:
            store.close()
            raise
        return store

    @classmethod
    def memory(cls) -> Self:
        """An in-memory store with the full schema (for `classify`-like dry runs and tests)."""
        conn = sqlite3.connect(":memory:", isolation_level=None)
        store = cls(conn, None)
        store._configure()
        store._check_and_migrate(True)
        return store

    def _configure(self) -> None:
        self._configure_connection()
        self._configure_journal()

    def _configure_connection(self) -> None:
        """Settings of this connection only (nothing is written to the file)."""
        self.conn.row_factory = sqlite3.Row
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.conn.execute("PRAGMA foreign_keys = ON")

    def _configure_journal(self) -> None:
        """WAL mode (recorded in the file) and the sync level."""
        if self.path is not None:
            mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise StoreError(f"{self.path}: cannot switch to WAL journal mode ({mode})")
        self.conn.execute("PRAGMA synchronous = NORMAL")

    @property
    def schema_version(self) -> int:
        """The schema version recorded in PRAGMA user_version."""
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _check_schema(self) -> None:
        """Refuse a database from a newer aigeo, another program's, or one missing tables."""
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} has schema version {version}, newer than this aigeo "
                f"understands ({SCHEMA_VERSION}); upgrade aigeo. Nothing was changed."
            )
        tables = {
            row[0]
            for row in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if version == 0 and tables:
            raise StoreError(
                f"{self.path} is an SQLite database but not an aigeo one "
                f"(it has tables {', '.join(sorted(tables)[:5])}). Nothing was changed."
            )
        if version > 0 and not tables >= REQUIRED_TABLES:
            missing = ", ".join(sorted(REQUIRED_TABLES - tables))
            raise StoreError(f"{self.path} is missing aigeo tables ({missing}).")

    def _check_and_migrate(self, migrate: bool, target: int = SCHEMA_VERSION) -> None:
        self._check_schema()
        version = self.schema_version
        if not migrate or version >= target:
            return
        for number in range(version + 1, target + 1):
            with self.write():
                MIGRATIONS[number - 1](self.db)
                self.conn.execute(f"PRAGMA user_version = {number}")

    def quick_check(self) -> str | None:
        """None when SQLite's quick_check finds the file sound, else its first complaint.

        Reads every page (about 0.1-0.5 s for 50-200 MB), so the dashboard runs it once
        as it starts (tui.store.check) rather than failing later on a damaged page.
        """
        try:
            rows = self.conn.execute("PRAGMA quick_check(1)").fetchall()
        except sqlite3.DatabaseError as exc:
            return str(exc)
        first = str(rows[0][0]) if rows else "no answer"
        # One line: SQLite's complaint can span two ("*** in database main ***\nPage 256: …")
        return None if first == "ok" else " ".join(first.split())

    def close(self) -> None:
        """Close the connection (checkpointing WAL if this is the last one)."""
        self.conn.close()
        key, self.file_key = self.file_key, None
        dbfile.release(key)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction taken at once (BEGIN IMMEDIATE), committed or rolled back."""
        if self.conn.in_transaction:
            yield self.conn
            return
        dbfile.await_verdict(self.file_key)  # the dashboard's start-up check (tui.store.check)
        refused = dbfile.poisoned(self.file_key)
        if refused:
            raise StoreError(refused)
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # ----------------------------------------------------------------- meta

    def get_meta(self, key: str) -> str | None:
        """A value from the meta table, or None."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Set a value in the meta table."""
        with self.write():
            self.conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def integrity_check(self) -> str:
        """SQLite's own integrity check ("ok" when healthy)."""
        return str(self.conn.execute("PRAGMA integrity_check").fetchone()[0])
