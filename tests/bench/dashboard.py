"""Dashboard benchmark: start-up to first frame against hello-world, keys to frames, RSS.

Each start-up is a fresh process (tests.bench.probe) started by this one, the hello-world
app and aigeo alternating, so both see the same machine; the median of the runs counts.
Then one more aigeo process times the interactions (see tests.bench.probe).
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.bench.probe import summary

ROOT = Path(__file__).resolve().parents[2]


def _probe(app: str, db: Path | None, out: Path, interact: bool = False) -> dict[str, Any]:
    command = [sys.executable, "-m", "tests.bench.probe", app, "--out", str(out)]
    if db is not None:
        command += ["--db", str(db)]
    if interact:
        command.append("--interact")
    started = time.time()
    subprocess.run([*command, "--t0", repr(started)], cwd=ROOT, check=True, timeout=600)
    return dict(json.loads(out.read_text()))


def run(source_db: Path, starts: int, log: Any = print) -> dict[str, Any]:
    """Start-up (median of `starts` runs each) and interactions on a copy of `source_db`."""
    with tempfile.TemporaryDirectory(prefix="aigeo-dash-") as tmp:
        db = Path(tmp) / "dash.db"
        shutil.copyfile(source_db, db)  # opening items marks them read: keep the cache clean
        _probe("aigeo", db, Path(tmp) / "warm.json")  # seed corpus loaded, page cache warm
        hello, aigeo = [], []
        rss_hello, rss_aigeo = [], []
        for number in range(starts):
            got = _probe("hello", None, Path(tmp) / f"hello{number}.json")
            hello.append(got["first_frame_s"])
            rss_hello.append(got["max_rss_mib"])
            got = _probe("aigeo", db, Path(tmp) / f"aigeo{number}.json")
            aigeo.append(got["first_frame_s"])
            rss_aigeo.append(got["max_rss_mib"])
        log(
            f"    start-up: hello {[round(h, 3) for h in hello]} "
            f"aigeo {[round(a, 3) for a in aigeo]}"
        )
        acts = _probe("aigeo", db, Path(tmp) / "interact.json", interact=True)
    return {
        "hello_first_frame_s": statistics.median(hello),
        "aigeo_first_frame_s": statistics.median(aigeo),
        "startup_ratio": statistics.median(aigeo) / statistics.median(hello),
        "hello_runs_s": hello,
        "aigeo_runs_s": aigeo,
        "hello_rss_mib": max(rss_hello),
        "startup_rss_mib": max(rss_aigeo),
        "peak_rss_mib": max(acts["max_rss_mib"], *rss_aigeo),
        "listed": acts.get("listed"),
        "row_down_ms": summary(acts["row_down_ms"]),
        "row_down_reader_ms": summary(acts["row_down_settled_ms"]),
        "open_item_ms": summary(acts["open_item_ms"]),
        "search_ms": summary(acts["search_ms"]),
        "search_method": acts["search_method"],
        "samples_ms": {  # every timed key, for a closer look at the tails
            key: [round(v, 1) for v in acts[key]]
            for key in ("row_down_ms", "row_down_settled_ms", "open_item_ms", "search_ms")
        },
    }
