"""The writer-safety suite: the dashboard and every other writer on one real file.

Real processes only: the dashboard (Pilot, in its own process), `aigeo refresh`, `add`,
`import`, `poll`, the `sqlite3` shell, a Datasette-style reader and `kill -9` of a
refresh mid-refresh, in a shuffled order; then a `kill -9` of the dashboard mid-refresh
and a new dashboard that writes again. After every action the dashboard must hold no
deleted -wal/-shm; after every round: integrity_check ok, every star/tag/read it wrote
visible to a fresh `aigeo`, the item count never lower.

Bounded for CI: one round of every actor once, the dashboard kill, one dashboard start
besides the restart (about 25 s on an idle 2-core machine); `--long` runs 10 full rounds,
the kill, and 5 more short rounds. tests/bench/soak_writers.py runs hundreds of rounds.
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
        opml = tmp_path / "start.opml"
        opml.write_text(
            '<?xml version="1.0"?><opml version="2.0"><body>'
            + "".join(f'<outline type="rss" text="f" xmlUrl="{url}"/>' for url in feeds.urls)
            + "</body></opml>"
        )
        assert cli(db, "import", str(opml), env=env).returncode == 0
        assert cli(db, "refresh", "--quiet", env=env).returncode == 0
        writers = Writers(
            db, tmp_path, env, feeds, Dashboard(db, env), Checker(db), random.Random(10)
        )
        try:
            for number in range(10 if long_mode else 1):
                problems = writers.round()
                assert problems == [], f"round {number} ({writers.log[-1]}): {problems}"
            assert writers.kill_dashboard_mid_write() == []
            for number in range(5 if long_mode else 0):
                problems = writers.short_round()
                assert problems == [], f"after the kill {number} ({writers.log[-1]}): {problems}"
        finally:
            assert writers.dashboard.quit() == 0, writers.dashboard.stderr()
        assert writers.checker.verify(env) == []
        assert writers.checker.stars or writers.checker.reads, "the dashboard wrote nothing"
        assert writers.checker.tags, "the dashboard tagged nothing"
    finally:
        feeds.close()
    assert_no_descendants(marker)
