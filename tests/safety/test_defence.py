"""Defence in depth, through real `aigeo` processes: a damaged database is refused once
and left byte for byte as it was; a full disk says so; `aigeo backup` copies a live
database; no command writes its output over the database."""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.writers import Feeds, child_env, cli


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def feeds() -> Iterator[Feeds]:
    served = Feeds(count=2)
    try:
        yield served
    finally:
        served.close()


def damaged_database(tmp_path: Path, feeds: Feeds) -> Path:
    db = tmp_path / "damaged.db"
    env = child_env(tmp_path)
    for url in feeds.urls:
        assert cli(db, "add", "--no-fetch", url, env=env).returncode == 0
    assert cli(db, "items", "--limit", "1", env=env).returncode == 0  # loads the seed corpus
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    assert pages > 20
    with open(db, "r+b") as file:  # no connection is open on it here
        for page in range(pages // 2, pages // 2 + 6):
            file.seek(page * size)
            file.write(b"\xa5" * size)
    return db


def test_refresh_refuses_a_damaged_database_once_and_changes_nothing(
    tmp_path: Path, feeds: Feeds
) -> None:
    db = damaged_database(tmp_path, feeds)
    before = digest(db)
    done = cli(db, "refresh", env=child_env(tmp_path))
    message = done.stderr.decode()
    assert done.returncode != 0
    assert message.count("is damaged (") == 1 and message.count("Error") == 1, message
    assert ".recover" in message and "export" in message
    assert digest(db) == before
    assert feeds.server.requests == []  # nothing fetched for a file it will not write


def test_poll_refuses_a_damaged_database(tmp_path: Path, feeds: Feeds) -> None:
    db = damaged_database(tmp_path, feeds)
    before = digest(db)
    done = cli(db, "poll", env=child_env(tmp_path), timeout=60)
    assert done.returncode != 0 and "damaged" in done.stderr.decode()
    assert digest(db) == before


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB tmpfs (needs root and mount rights; skipped elsewhere)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_is_reported_as_full_and_loses_nothing(
    tmp_path: Path, small_disk: Path, feeds: Feeds
) -> None:
    db = small_disk / "aigeo.db"
    env = child_env(tmp_path)
    assert cli(db, "add", feeds.urls[0], env=env).returncode == 0
    filler = small_disk / "filler"
    with open(filler, "wb") as out, contextlib.suppress(OSError):
        while True:
            out.write(b"\0" * 65536)
            out.flush()
    done = cli(db, "items", "--limit", "1", env=env)  # loading the seed corpus needs space
    message = done.stderr.decode()
    assert done.returncode != 0
    assert "full" in message and "not a usable" not in message, message
    filler.unlink()
    listed = cli(db, "sources", "--json", env=env)
    assert listed.returncode == 0 and feeds.urls[0] in listed.stdout.decode()
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_backup_copies_a_database_while_a_refresh_writes(tmp_path: Path, feeds: Feeds) -> None:
    db = tmp_path / "live.db"
    env = child_env(tmp_path)
    for url in feeds.urls:
        assert cli(db, "add", "--no-fetch", url, env=env).returncode == 0
    assert cli(db, "refresh", "--quiet", env=env).returncode == 0
    writer = subprocess.Popen(
        [*cli_argv(db), "refresh", "--quiet"], env=env, stdout=subprocess.DEVNULL
    )
    copy = tmp_path / "copy.db"
    done = cli(db, "backup", str(copy), env=env)
    writer.wait(120)
    assert done.returncode == 0, done.stderr.decode()
    with contextlib.closing(sqlite3.connect(copy)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM sources").fetchone()[0] >= 2
    again = cli(db, "backup", str(copy), env=env)
    assert again.returncode != 0 and "--force" in again.stderr.decode()
    assert cli(db, "backup", "--force", str(copy), env=env).returncode == 0


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_no_output_is_written_over_the_database(tmp_path: Path, feeds: Feeds, suffix: str) -> None:
    db = tmp_path / "mine.db"
    env = child_env(tmp_path)
    assert cli(db, "add", feeds.urls[0], env=env).returncode == 0
    before = digest(db)
    target = f"{db}{suffix}"
    for args in (["export", "opml", "-o", target], ["backup", "--force", target]):
        done = cli(db, *args, env=env)
        assert done.returncode != 0, args
        assert "database" in done.stderr.decode()
    assert digest(db) == before


def cli_argv(db: Path) -> list[str]:
    import sys

    return [sys.executable, "-m", "tui", "--db", str(db)]
