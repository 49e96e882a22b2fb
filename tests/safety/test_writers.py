"""The writer-safety suite: the dashboard and every other writer on one real file.

Real processes only: the dashboard (Pilot, in its own process), `aigeo refresh`, `add`,
`import`, `poll`, the `sqlite3` shell, a Datasette-style reader and `kill -9` of a
refresh, in shuffled orders, repeated; then a `kill -9` of the dashboard mid-refresh.
After every round: integrity_check ok, the dashboard holds no deleted -wal/-shm, every
star/tag/read it wrote is visible to a fresh `aigeo`, the item count never drops.
Bounded by its round count (CI: 1 full round + the dashboard kill + 4 actions; about a
minute on an idle 2-core machine, 2-4 minutes on this loaded one); `--long` runs 10;
tests/bench/soak_writers.py runs for minutes.
"""

from __future__ import annotations

import random
import uuid
from pathlib import Path

import pytest

from tests.safety.test_orphans import assert_no_descendants
from tests.support.writer_rounds import Writers
from tests.support.writers import Checker, Dashboard, Feeds, child_env, cli

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs /proc"),
]


def test_every_writer_on_one_file_loses_nothing(tmp_path: Path, long_mode: bool) -> None:
    db = tmp_path / "shared.db"
    marker = uuid.uuid4().hex
    env = child_env(tmp_path, marker)
    feeds = Feeds(count=3)
    try:
        for url in feeds.urls:
            assert cli(db, "add", url, env=env).returncode == 0
        assert cli(db, "refresh", "--quiet", env=env).returncode == 0
        writers = Writers(
            db, tmp_path, env, feeds, Dashboard(db, env), Checker(db), random.Random(10)
        )
        try:
            for number in range(10 if long_mode else 1):
                problems = writers.round()
                assert problems == [], f"round {number} ({writers.log[-1]}): {problems}"
            assert writers.kill_dashboard_mid_write() == []
            problems = writers.round(size=4)
            assert problems == [], f"after the dashboard kill ({writers.log[-1]}): {problems}"
        finally:
            assert writers.dashboard.quit() == 0, writers.dashboard.stderr()
        assert writers.checker.verify(env) == []
    finally:
        feeds.close()
    assert_no_descendants(marker)
