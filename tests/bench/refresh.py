"""Refresh benchmark: aigeo against newsboat, a sequential feedparser loop and the floor.

For each (feeds, latency) configuration a farm (tests.bench.farm) serves the feeds on
127.0.0.1, and every contender goes through three phases on its own database:
cold (empty database), unchanged (every feed answers 304, or the same body) and 10%
changed (every tenth feed gained items). Within a round the contenders run one after
another in each phase, against the same farm state. Each run is a whole process,
measured by tests.bench.runner (wall, CPU of the process tree, peak RSS); the items
each contender stored are counted after each phase and must agree.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.bench.farm import CHANGED_EVERY, feed_urls, item_count

ROOT = Path(__file__).resolve().parents[2]
PHASES = ("cold", "unchanged", "changed")
CONTENDERS = ("aigeo", "newsboat", "reader", "seq", "floor")
READER_PYTHON = Path(
    os.environ.get("AIGEO_BENCH_READER_PYTHON", "/tmp/aigeo-bench-reader/bin/python")
)
WORKERS = 16  # newsboat's reload-threads and reader's workers
AIGEO_MAX_ITEMS = 500  # aigeo keeps the newest 500 entries of a fetch (poll.max_items)


def expected_for(name: str, seed: int, feeds: int, version: int) -> int:
    """Items a contender should hold: every item, or for aigeo the newest 500 of a
    back catalogue (no farm feed with a back catalogue ever gains items)."""
    counts = [item_count(seed, n, version) for n in range(feeds)]
    if name == "aigeo":
        counts = [min(c, AIGEO_MAX_ITEMS) for c in counts]
    return sum(counts)


@dataclass
class FarmHandle:
    """A running farm process."""

    proc: subprocess.Popen[str]
    ports: list[int]
    feeds: int
    seed: int = 1
    version: int = 0

    @property
    def urls(self) -> list[str]:
        """Every feed URL."""
        return feed_urls(self.ports, self.feeds)

    def control(self, path: str) -> dict[str, Any]:
        """Call a control route (`/_bump`, `/_reset`, `/_stats`, `/_latency?ms=`)."""
        url = f"http://127.0.0.1:{self.ports[0]}{path}"
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        # `/_bump` re-renders every tenth feed: seconds at N=1,000 on a loaded machine
        with opener.open(url, timeout=120) as response:
            return dict(json.loads(response.read()))

    def expected_items(self) -> int:
        """Items a complete reader holds after every version up to the current one."""
        return sum(item_count(self.seed, n, self.version) for n in range(self.feeds))

    def close(self) -> None:
        """Stop the farm process."""
        self.proc.kill()
        self.proc.wait(timeout=10)


def start_farm(feeds: int, latency_ms: float, lifetime_s: float) -> FarmHandle:
    """Start a farm in its own process and wait until it serves."""
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "tests.bench.farm", "--feeds", str(feeds),
            "--latency-ms", str(latency_ms), "--lifetime", str(lifetime_s),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    info = json.loads(proc.stdout.readline())
    return FarmHandle(proc, info["ports"], feeds)


def bench_env(home: Path | None = None) -> dict[str, str]:
    """The environment of every contender: no proxy, ever (the farm is on 127.0.0.1)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k.lower() not in ("http_proxy", "https_proxy", "all_proxy")
    }
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env["PYTHONPATH"] = str(ROOT)
    if home is not None:
        env["HOME"] = str(home)
    return env


def measure(command: list[str], workdir: Path, tag: str, env: dict[str, str]) -> dict[str, Any]:
    """Run a command under tests.bench.runner; returns its measurements and stdout."""
    out = workdir / f"{tag}.json"
    subprocess.run(
        [sys.executable, "-m", "tests.bench.runner", str(out), "--", *command],
        cwd=ROOT,
        env=env,
        check=True,
    )
    result: dict[str, Any] = json.loads(out.read_text())
    result["stdout"] = out.with_suffix(".stdout").read_text("utf-8", "replace")
    return result


def _aigeo_exe() -> list[str]:
    script = Path(sys.executable).parent / "aigeo"
    return [str(script)] if script.exists() else [sys.executable, "-m", "tui"]


def _count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


class Contender:
    """One reader under test, with its own working directory and database."""

    name = ""

    def __init__(self, workdir: Path, urls: list[str]) -> None:
        self.dir = workdir / self.name
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        self.urls = urls
        self.urls_file = self.dir / "urls.txt"
        self.urls_file.write_text("\n".join(urls) + "\n")

    def run(self, phase: str, farm: FarmHandle) -> dict[str, Any]:
        """Run one phase; returns the measurements with `items` stored."""
        raise NotImplementedError


class Aigeo(Contender):
    """`aigeo --db DB refresh --json`, as a user would run it."""

    name = "aigeo"

    def __init__(self, workdir: Path, urls: list[str]) -> None:
        super().__init__(workdir, urls)
        from tui.store import Store

        self.db = self.dir / "aigeo.db"
        with Store.open(self.db) as store, store.write():
            for url in urls:
                store.add_source(url)

    def run(self, phase: str, farm: FarmHandle) -> dict[str, Any]:
        command = [*_aigeo_exe(), "--db", str(self.db), "refresh", "--json"]
        result = measure(command, self.dir, phase, bench_env())
        try:
            summary = json.loads(result["stdout"])
            result["failed"] = summary["failed"]
        except (ValueError, KeyError):
            result["failed"] = -1
        result["items"] = _count(
            self.db,
            "SELECT count(*) FROM items WHERE source_id IN "
            "(SELECT id FROM sources WHERE kind = 'feed')",
        )
        return result


class Newsboat(Contender):
    """newsboat 2.x `-x reload` with 16 reload threads, in a private HOME.

    newsboat 2.21 keeps no validators (ETag / Last-Modified) from a feed's first fetch,
    so its second reload downloads and parses everything again; from the third on it
    sends conditional GETs. Its steady state is the fair comparison, so before the
    "unchanged" phase it reloads once, untimed (`settle`)."""

    name = "newsboat"

    def __init__(self, workdir: Path, urls: list[str]) -> None:
        super().__init__(workdir, urls)
        self.config = self.dir / "config"
        self.config.write_text(
            f"reload-threads {WORKERS}\nmax-items 0\ndownload-timeout 30\ndownload-retries 1\n"
        )
        self.cache = self.dir / "cache.db"

    @staticmethod
    def available() -> bool:
        """True when newsboat is on PATH."""
        return shutil.which("newsboat") is not None

    def _command(self) -> list[str]:
        return [
            "newsboat", "-C", str(self.config), "-u", str(self.urls_file),
            "-c", str(self.cache), "-x", "reload",
        ]  # fmt: skip

    def run(self, phase: str, farm: FarmHandle) -> dict[str, Any]:
        if phase == "unchanged":  # the second reload re-downloads everything: not timed
            measure(self._command(), self.dir, "settle", bench_env(home=self.dir))
        result = measure(self._command(), self.dir, phase, bench_env(home=self.dir))
        result["items"] = _count(self.cache, "SELECT count(*) FROM rss_item")
        return result


class Reader(Contender):
    """reader (lemon24) 3.x, `update_feeds(workers=16)`, in its own virtual environment."""

    name = "reader"

    @staticmethod
    def available() -> bool:
        """True when the reader venv's interpreter exists."""
        return READER_PYTHON.exists()

    def run(self, phase: str, farm: FarmHandle) -> dict[str, Any]:
        db = self.dir / "reader.sqlite"
        command = [str(READER_PYTHON), "-m", "tests.bench.reader_run", str(db)]
        result = measure([*command, str(self.urls_file), str(WORKERS)], self.dir, phase,
                         bench_env())  # fmt: skip
        result["items"] = int(result["stdout"].strip() or -1)
        return result


class Sequential(Contender):
    """`feedparser.parse(url)` one feed after another into sqlite-utils."""

    name = "seq"

    def run(self, phase: str, farm: FarmHandle) -> dict[str, Any]:
        db = self.dir / "seq.db"
        command = [sys.executable, "-m", "tests.bench.contenders", "seq", str(db)]
        result = measure([*command, str(self.urls_file)], self.dir, phase, bench_env())
        result["items"] = int(result["stdout"].strip() or -1)
        return result


class Floor(Contender):
    """feedparser (defaults) over the bodies the phase has to parse, downloaded first."""

    name = "floor"

    def run(self, phase: str, farm: FarmHandle) -> dict[str, Any]:
        if phase == "cold":
            urls = self.urls
        elif phase == "changed":
            urls = [u for n, u in enumerate(self.urls) if n % CHANGED_EVERY == 0]
        else:
            urls = []
        if not urls:
            return {"wall_s": 0.0, "cpu_s": 0.0, "max_rss_mib": 0.0, "tree_rss_mib": 0.0}
        listed = self.dir / f"{phase}-urls.txt"
        listed.write_text("\n".join(urls) + "\n")
        command = [sys.executable, "-m", "tests.bench.contenders", "floor", str(listed)]
        result = measure(command, self.dir, phase, bench_env())
        inner = json.loads(result["stdout"])
        result["wall_s"], result["cpu_s"] = inner["wall_s"], inner["cpu_s"]
        result["entries"] = inner["entries"]
        return result


FACTORIES: dict[str, Callable[[Path, list[str]], Contender]] = {
    "aigeo": Aigeo,
    "newsboat": Newsboat,
    "reader": Reader,
    "seq": Sequential,
    "floor": Floor,
}


@dataclass
class RefreshRun:
    """The results of one configuration: every round of every contender and phase."""

    feeds: int
    latency_ms: float
    rounds: list[dict[str, dict[str, dict[str, Any]]]] = field(default_factory=list)
    expected: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def run_config(
    feeds: int,
    latency_ms: float,
    contenders: list[str],
    rounds: int,
    log: Callable[[str], None] = print,
) -> RefreshRun:
    """Every round: reset the farm, cold, unchanged, bump, changed, for each contender."""
    run = RefreshRun(feeds, latency_ms)
    if "newsboat" in contenders and not Newsboat.available():
        contenders = [c for c in contenders if c != "newsboat"]
        run.notes.append("newsboat is not installed (apt-get install newsboat): not compared")
    if "reader" in contenders and not Reader.available():
        contenders = [c for c in contenders if c != "reader"]
        run.notes.append(
            f"reader: no interpreter at {READER_PYTHON} (python3 -m venv DIR && "
            "DIR/bin/pip install reader sgmllib3k; AIGEO_BENCH_READER_PYTHON=DIR/bin/python)"
        )
    farm = start_farm(feeds, latency_ms, lifetime_s=1800)
    try:
        with tempfile.TemporaryDirectory(prefix="aigeo-bench-") as tmp:
            for number in range(rounds):
                farm.control("/_reset")
                farm.version = 0
                workdir = Path(tmp) / f"round{number}"
                players = [FACTORIES[name](workdir, farm.urls) for name in contenders]
                results: dict[str, dict[str, dict[str, Any]]] = {}
                for phase in PHASES:
                    if phase == "changed":
                        farm.control("/_bump")
                        farm.version += 1
                    run.expected[phase] = farm.expected_items()
                    run.expected[f"aigeo-{phase}"] = expected_for(
                        "aigeo", farm.seed, feeds, farm.version
                    )
                    for player in players:
                        got = player.run(phase, farm)
                        got.pop("stdout", None)
                        results.setdefault(player.name, {})[phase] = got
                        items = got.get("items", "")
                        log(
                            f"  N={feeds} {latency_ms:g} ms round {number + 1} {phase:<9} "
                            f"{player.name:<8} {got['wall_s']:6.2f} s wall "
                            f"{got['cpu_s']:6.2f} s CPU {items}"
                        )
                run.rounds.append(results)
    finally:
        farm.close()
    return run


def summarise(run: RefreshRun) -> list[dict[str, Any]]:
    """One row per (contender, phase): medians over rounds, and the count check."""
    rows = []
    names = list(run.rounds[0]) if run.rounds else []
    for name in names:
        for phase in PHASES:
            got = [r[name][phase] for r in run.rounds if phase in r.get(name, {})]
            if not got:
                continue
            items = [g.get("items") for g in got]
            expected = run.expected.get(f"aigeo-{phase}" if name == "aigeo" else phase)
            row = {
                "section": "refresh",
                "feeds": run.feeds,
                "latency_ms": run.latency_ms,
                "phase": phase,
                "contender": name,
                "rounds": len(got),
                "wall_s": statistics.median(g["wall_s"] for g in got),
                "wall_min_s": min(g["wall_s"] for g in got),
                "cpu_s": statistics.median(g["cpu_s"] for g in got),
                "max_rss_mib": max(g.get("max_rss_mib", 0.0) for g in got),
                "tree_rss_mib": max(g.get("tree_rss_mib", 0.0) for g in got),
                "items": items[-1],
                "items_ok": None if name == "floor" else all(i == expected for i in items),
                "expected_items": expected,
            }
            if name == "aigeo":
                row["failed_feeds"] = max(g.get("failed", 0) for g in got)
            rows.append(row)
    return rows


def now() -> float:
    """Seconds on the monotonic clock (for the section's own duration)."""
    return time.monotonic()


def run_growth(
    sizes: list[int],
    latency_ms: float,
    contenders: list[str],
    rounds: int,
    log: Callable[[str], None] = print,
) -> list[dict[str, Any]]:
    """Cold refresh of the first N feeds of one farm, for every N, contenders taking
    turns at each N; one row per (contender, N) with the median and the time per feed."""
    contenders = [c for c in contenders if c != "newsboat" or Newsboat.available()]
    contenders = [c for c in contenders if c != "reader" or Reader.available()]
    farm = start_farm(max(sizes), latency_ms, lifetime_s=3600)
    got: dict[tuple[str, int], list[dict[str, Any]]] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="aigeo-growth-") as tmp:
            for number in range(rounds):
                for feeds in sizes:
                    urls = farm.urls[:feeds]
                    for name in contenders:
                        player = FACTORIES[name](Path(tmp) / f"r{number}-n{feeds}", urls)
                        result = player.run("cold", farm)
                        result.pop("stdout", None)
                        got.setdefault((name, feeds), []).append(result)
                        log(
                            f"  growth N={feeds} round {number + 1} {name:<8} "
                            f"{result['wall_s']:6.2f} s wall {result['cpu_s']:6.2f} s CPU "
                            f"{result['max_rss_mib']:5.0f} MiB {result.get('items', '')}"
                        )
                        shutil.rmtree(player.dir, ignore_errors=True)
    finally:
        farm.close()
    rows = []
    for (name, feeds), results in got.items():
        expected = expected_for(name, farm.seed, feeds, 0)
        wall = statistics.median(r["wall_s"] for r in results)
        rows.append(
            {
                "section": "growth",
                "contender": name,
                "feeds": feeds,
                "latency_ms": latency_ms,
                "rounds": len(results),
                "wall_s": wall,
                "ms_per_feed": 1000 * wall / feeds,
                "cpu_s": statistics.median(r["cpu_s"] for r in results),
                "max_rss_mib": max(r.get("max_rss_mib", 0.0) for r in results),
                "items": results[-1].get("items"),
                "items_ok": all(r.get("items") == expected for r in results),
            }
        )
    return rows
