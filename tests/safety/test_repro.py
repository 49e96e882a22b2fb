"""Issue 10's reproduction, as a test: the dashboard refreshes, then a CLI adds a feed and
refreshes; the dashboard must still hold live -wal/-shm files, its star must reach the
file, and the file must pass integrity_check.

Before the fix, step 4 found `X-wal (deleted)` and `X-shm (deleted)` in the dashboard's
/proc/PID/fd every time: Store.open read the header with open()/close() while the UI
connection was open, which dropped the dashboard's POSIX locks, so the CLI's last close
checkpointed and deleted the WAL under it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.writers import Checker, Dashboard, Feeds, child_env, cli

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs /proc")


@pytest.fixture
def feeds() -> Iterator[Feeds]:
    served = Feeds(count=2)
    try:
        yield served
    finally:
        served.close()


def test_dashboard_refresh_then_cli_refresh_loses_nothing(tmp_path: Path, feeds: Feeds) -> None:
    db = tmp_path / "x.db"
    env = child_env(tmp_path)
    assert cli(db, "add", feeds.urls[0], env=env).returncode == 0
    assert cli(db, "refresh", "--quiet", env=env).returncode == 0
    dashboard = Dashboard(db, env)
    checker = Checker(db)
    try:
        assert dashboard.call("refresh") == {"refreshed": True}
        assert cli(db, "add", feeds.urls[1], env=env).returncode == 0
        assert cli(db, "refresh", "--quiet", env=env).returncode == 0
        assert dashboard.deleted_files() == []
        starred = dashboard.call("star")
        assert starred.get("star") is True, starred
        checker.record(starred)
        assert checker.verify(env) == []
        assert dashboard.call("refresh") == {"refreshed": True}
        assert dashboard.deleted_files() == []
    finally:
        code = dashboard.quit()
    assert code == 0, dashboard.stderr()
    assert checker.verify(env) == []
