"""Writes held while the file is checked (tui.dbfile.hold_writes): `aigeo refresh` runs
SQLite's quick_check beside its network phase, so every write must wait for the verdict
and a damaged verdict must refuse them all. Real files, real threads."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui import dbfile
from tui.store import Store, StoreError


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "aigeo.db") as opened:
        yield opened


def _sources(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM sources").fetchone()[0])
    finally:
        conn.close()


def _write_in_thread(store: Store, url: str) -> tuple[threading.Thread, threading.Event, list]:
    """Add a source from another thread (as the refresh's store thread writes); returns
    the thread, an event set just before it writes, and what it raised."""
    about_to_write = threading.Event()
    raised: list[BaseException] = []

    def write() -> None:
        conn = sqlite3.connect(store.path, isolation_level=None, check_same_thread=False)
        other = Store(conn, store.path, store.file_key)  # the same file, another connection
        try:
            about_to_write.set()
            with other.write():
                conn.execute(
                    "INSERT INTO sources(url, title, kind) VALUES (?, ?, 'feed')", (url, url)
                )
        except BaseException as exc:
            raised.append(exc)
        finally:
            conn.close()

    thread = threading.Thread(target=write)
    thread.start()
    return thread, about_to_write, raised


def test_a_held_write_waits_for_the_check_and_then_lands(store: Store) -> None:
    before = _sources(store.path)
    settle = dbfile.hold_writes(store.file_key)
    try:
        thread, about_to_write, raised = _write_in_thread(store, "https://held.example/feed")
        assert about_to_write.wait(10)
        thread.join(0.3)
        assert thread.is_alive()  # still waiting for the verdict
        assert _sources(store.path) == before  # and nothing reached the file
    finally:
        settle(None)
    thread.join(10)
    assert not thread.is_alive() and not raised
    assert _sources(store.path) == before + 1


def test_a_damaged_verdict_refuses_the_waiting_write_and_every_later_one(
    tmp_path: Path,
) -> None:
    # A file of its own: a poisoned file stays poisoned for this (test) process.
    with Store.open(tmp_path / "damaged.db") as store:
        before = _sources(store.path)
        settle = dbfile.hold_writes(store.file_key)
        thread, about_to_write, raised = _write_in_thread(store, "https://held.example/feed")
        assert about_to_write.wait(10)
        settle("the file is damaged (test)")
        thread.join(10)
        assert not thread.is_alive()
        assert len(raised) == 1 and isinstance(raised[0], StoreError)
        assert "damaged (test)" in str(raised[0])
        with pytest.raises(StoreError, match="damaged"), store.write():
            pass
        assert _sources(store.path) == before


def test_writes_not_held_do_not_wait(store: Store) -> None:
    dbfile.await_verdict(store.file_key)  # nothing held: returns at once
    with store.write():
        store.conn.execute(
            "INSERT INTO sources(url, title, kind) VALUES ('https://a.example/', 'a', 'feed')"
        )
    assert _sources(store.path) >= 1
