"""Stopping is prompt and honest: SIGINT / SIGTERM end `aigeo refresh` and `aigeo poll`
within seconds during a slow parse, and what was already fetched and parsed is stored.

Real processes on a real database; feeds served on 127.0.0.1. One feed takes the
parser about a minute (hundreds of thousands of elements in one entry), the others are
quick. The signal is sent once the quick feeds are stored and a parse worker has been
busy for a while; the time to exit is measured from the signal.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.hardening.test_harden_terminal import cli_env
from tests.support.feedserver import FeedServer, Reply, rss
from tests.support.foreground import as_foreground_job
from tui.model import ItemQuery
from tui.store import Store

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform != "linux", reason="/proc")]
ROOT = Path(__file__).resolve().parents[2]
QUICK = 3
#: The product's promise is "within 2 s"; the test allows a loaded 2-core machine more
#: (before the fix the same stop took over a minute: shutdown waited for the parse).
STOP_LIMIT_S = 6.0
SLOW_BODY = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>Slow</title><link>https://e.org/</link>'
    "<item><guid>slow</guid><title>slow</title><description>"
    + "<x>y</x>" * 600_000
    + "</description></item></channel></rss>"
).encode()
TEXT = "Export controls on advanced chips and the compute race between the US and China. "


def descendants(pid: int) -> list[int]:
    """Every live descendant of `pid` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry))
    found, pending = [], [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def session_members(session: int) -> list[int]:
    """Live processes of a session (the refresh ran as a session leader)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            found.append(int(entry))
    return found


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for(condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def farm(db_path: Path, feed_server: FeedServer) -> Path:
    with Store.open(db_path) as store:
        for n in range(QUICK):
            items = [(f"q{n}-{k}", f"Quick {n} item {k}", TEXT * 3) for k in range(5)]
            store.add_source(feed_server.route(f"/quick{n}", Reply(body=rss(items))))
        store.add_source(feed_server.route("/slow", Reply(body=SLOW_BODY, delay=0.5)))
    (db_path.parent / "config.toml").write_text("[poll]\nparse_deadline_s = 600.0\n")
    return db_path


def quick_items_stored(db_path: Path) -> bool:
    with Store.open(db_path) as store:
        return store.count_items(ItemQuery()) >= QUICK * 5


def start(tmp_path: Path, db_path: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tui", "--db", str(db_path), *args],
        env=cli_env(tmp_path, db_path),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=as_foreground_job,
    )


def stop_during_the_slow_parse(process: subprocess.Popen[str], db_path: Path, sig: int) -> float:
    """Wait until the quick feeds are stored and a worker is busy parsing; signal; time it."""
    wait_for(lambda: quick_items_stored(db_path), 120, "the quick feeds to be stored")
    wait_for(
        lambda: any(cpu_seconds(p) > 1.0 for p in descendants(process.pid)),
        120,
        "a parse worker busy on the slow feed",
    )
    sent = time.monotonic()
    process.send_signal(sig)
    try:
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    return time.monotonic() - sent


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_refresh_stops_within_seconds_and_keeps_what_was_parsed(
    tmp_path: Path, farm: Path, sig: int
) -> None:
    process = start(tmp_path, farm, "refresh", "--json")
    seconds = stop_during_the_slow_parse(process, farm, sig)
    out, err = process.communicate()
    print(f"{signal.Signals(sig).name}: refresh exited {seconds:.2f} s after the signal")
    assert seconds < STOP_LIMIT_S, err
    assert process.returncode == 128 + sig, err
    assert "Traceback" not in err and "stopped by" in err
    summary = json.loads(out)
    assert summary["cancelled"] is True
    assert summary["new_items"] == QUICK * 5  # said what it stored, and no more
    with Store.open(farm) as store:
        assert store.count_items(ItemQuery()) == QUICK * 5
        slow = store.find_source(summary["results"][0]["url"].rsplit("/", 1)[0] + "/slow")
        assert slow is not None and slow.body_hash is None  # parsed next time
    wait_for(lambda: session_members(process.pid) == [], 10, "no process of the refresh left")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_poll_stops_within_seconds(tmp_path: Path, farm: Path, sig: int) -> None:
    process = start(tmp_path, farm, "poll")
    seconds = stop_during_the_slow_parse(process, farm, sig)
    _out, err = process.communicate()
    print(f"{signal.Signals(sig).name}: poll exited {seconds:.2f} s after the signal")
    assert seconds < STOP_LIMIT_S, err
    assert "Traceback" not in err and "stopped" in err
    with Store.open(farm) as store:
        assert store.count_items(ItemQuery()) == QUICK * 5
