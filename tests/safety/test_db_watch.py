"""The dashboard stops writing, and says so, when the file under it is replaced or its
WAL is deleted by another program (the damage of issue 10), instead of writing into a
file that is no longer the database. Real dashboard process, real file."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.writers import Dashboard, Feeds, child_env, cli, wait_until

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs /proc")


@pytest.fixture
def running(tmp_path: Path) -> Iterator[tuple[Path, Dashboard]]:
    feeds = Feeds(count=1)
    db = tmp_path / "watched.db"
    env = child_env(tmp_path)
    assert cli(db, "add", feeds.urls[0], env=env).returncode == 0
    assert cli(db, "refresh", "--quiet", env=env).returncode == 0
    dashboard = Dashboard(db, env)
    try:
        yield db, dashboard
    finally:
        dashboard.kill()
        feeds.close()


def starred(db: Path) -> int:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return int(conn.execute("SELECT count(*) FROM items WHERE starred").fetchone()[0])


def stopped(dashboard: Dashboard) -> str | None:
    answer = dashboard.call("watch")
    assert "error" not in answer, answer
    return answer["stopped"]


def test_a_replaced_file_stops_the_writes(running: tuple[Path, Dashboard]) -> None:
    db, dashboard = running
    assert stopped(dashboard) is None
    shutil.copy(db, db.with_suffix(".copy"))
    os.replace(db.with_suffix(".copy"), db)  # another program swapped the file
    assert wait_until(lambda: stopped(dashboard) is not None, 30.0, 0.5)
    assert "replaced" in (stopped(dashboard) or "")
    answer = dashboard.call("star")
    assert answer.get("star") is False, answer  # refused, and the app still runs
    assert dashboard.call("pid")["pid"] == dashboard.pid
    assert starred(db) == 0


def test_a_deleted_wal_stops_the_writes(running: tuple[Path, Dashboard]) -> None:
    db, dashboard = running
    assert dashboard.call("star").get("star") is True
    for suffix in ("-wal", "-shm"):  # what a lock-breaking program does (issue 10)
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    assert wait_until(lambda: stopped(dashboard) is not None, 30.0, 0.5)
    assert "deleted" in (stopped(dashboard) or "")
    dashboard.call("next")
    assert dashboard.call("star").get("star") is False
    assert dashboard.call("pid")["pid"] == dashboard.pid
