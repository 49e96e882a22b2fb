"""No child of an aigeo command survives it: normal exit, error, SIGINT, SIGTERM, kill -9.

Every aigeo process here runs with a marker in its environment; its fork server,
resource tracker and parse workers inherit it. After each ending, /proc is scanned for
any process carrying the marker: there must be none (within a generous timeout; the
fork server polls its parent every 0.2 s and the workers die by PR_SET_PDEATHSIG, so on
an idle machine they are gone well within a second; `slowest` is reported).
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.feedserver import FeedServer, Reply, rss
from tests.support.foreground import as_foreground_job
from tests.support.writers import MARKER_VARIABLE, REPO, child_env, cli, wait_until

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
GONE_TIMEOUT_S = 20.0  # generous on a loaded machine; the mechanism takes < 1 s


def marked_processes(marker: str) -> list[int]:
    """Pids of live processes whose environment carries `marker` (zombies excluded)."""
    found = []
    needle = f"{MARKER_VARIABLE}={marker}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            found.append(int(entry.name))
    return found


@pytest.fixture(scope="module")
def slow_feeds() -> Iterator[list[str]]:
    """Feeds that keep a refresh busy for seconds: large bodies, some answering late."""
    server = FeedServer()
    items = [
        (f"g{n}", f"AI chips export item {n}", "semiconductor policy " * 40) for n in range(1500)
    ]
    body = rss(items)
    urls = [server.route(f"/big{n}.xml", Reply(body=body, delay=0.2 * (n % 4))) for n in range(8)]
    try:
        yield urls
    finally:
        server.close()


@pytest.fixture
def feed_db(tmp_path: Path, slow_feeds: list[str]) -> Path:
    db = tmp_path / "orphans.db"
    env = child_env(tmp_path)
    for url in slow_feeds:
        assert cli(db, "add", "--no-fetch", url, env=env).returncode == 0
    return db


def start_refresh(db: Path, tmp_path: Path, marker: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tui", "--db", str(db), "refresh", "--quiet"],
        preexec_fn=as_foreground_job,
        env=child_env(tmp_path, marker),
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def describe_process(pid: int) -> str:
    """pid, parent, state and command line of a process, for a failure message."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return f"{pid} (gone)"
    return f"{pid} ppid={fields[1]} state={fields[0]} {argv[:200]}"


def assert_no_descendants(marker: str) -> float:
    """Wait until no process carries `marker`; returns how long that took."""
    started = time.monotonic()
    gone = wait_until(lambda: not marked_processes(marker), GONE_TIMEOUT_S)
    left = marked_processes(marker)
    described = [describe_process(pid) for pid in left]
    for pid in left:  # never leave them behind, even when the test fails
        with_suppressed_kill(pid)
    assert gone, f"processes outlived their aigeo: {described}"
    return time.monotonic() - started


def database_descriptors(pid: int, db: Path) -> list[str]:
    """The descriptors of process `pid` on the database or its -wal/-shm."""
    found = []
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return []
    for fd in fds:
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(db)):
            found.append(target)
    return found


def with_suppressed_kill(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)


def test_normal_exit_leaves_no_process(feed_db: Path, tmp_path: Path) -> None:
    marker = uuid.uuid4().hex
    process = start_refresh(feed_db, tmp_path, marker)
    assert process.wait(180) == 0
    assert_no_descendants(marker)


def test_error_exit_leaves_no_process(tmp_path: Path) -> None:
    marker = uuid.uuid4().hex
    not_a_db = tmp_path / "notes.txt"
    not_a_db.write_text("not a database\n")
    done = cli(not_a_db, "refresh", env=child_env(tmp_path, marker))
    assert done.returncode != 0
    assert_no_descendants(marker)


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_killed_refresh_leaves_no_process(
    feed_db: Path, tmp_path: Path, sig: signal.Signals, long_mode: bool
) -> None:
    rng = random.Random(sig.value)
    slowest = 0.0
    rounds = 12 if long_mode else 2
    for _round in range(rounds):
        marker = uuid.uuid4().hex
        process = start_refresh(feed_db, tmp_path, marker)
        # Wait for the helpers (fork server + workers) most rounds, a random moment after.
        if rng.random() < 0.8:
            wait_until(lambda m=marker: len(marked_processes(m)) >= 3, 30.0)
        for helper in set(marked_processes(marker)) - {process.pid}:
            # No connection crosses a fork: helpers never hold the database open. A child
            # caught between fork and exec (the fork server, the resource tracker being
            # started) still has the parent's descriptors for a moment, until the exec
            # closes them; one that keeps them is a leak.
            released = lambda h=helper: database_descriptors(h, feed_db) == []  # noqa: E731
            assert wait_until(released, 5.0), (
                describe_process(helper),
                database_descriptors(helper, feed_db),
            )
        time.sleep(rng.uniform(0.0, 1.5))
        process.send_signal(sig)
        process.wait(60)
        slowest = max(slowest, assert_no_descendants(marker))
    print(f"{sig.name}: {rounds} rounds, slowest cleanup {slowest:.2f} s")
