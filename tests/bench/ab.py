"""A/B of aigeo refreshes: two (or more) source trees take turns on one farm.

    git archive main | tar -x -C /tmp/before     # the tree to compare against
    uv run python -m compileall -q /tmp/before/tui
    uv run python -m tests.bench.ab /tmp/before . --feeds 100 --rounds 10

One farm (tests.bench.farm), one database refreshed cold once; then, `--rounds` times,
each tree refreshes a fresh copy of it, all 304 ("unchanged") and with every tenth feed
bumped ("changed"), or a copy of the database as it was before that first refresh, only
the sources in it ("cold": every item parsed, classified and stored), trees alternating
(A B A B …) so the machine's load falls on all of them alike. Each refresh is a whole
process (`python -m tui --db COPY refresh --json` with PYTHONPATH set to the tree) under
tests.bench.runner: wall time and the CPU of its process tree. Prints the medians. On a
shared 2-core machine single runs lie by ±15%: use 8 rounds or more, and trust
differences that hold in CPU as well as wall time.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.bench.refresh import bench_env, start_farm
from tui.store import Store


def refresh(tree: Path, db: Path, work: Path) -> tuple[float, float]:
    """One refresh by `tree`'s code; (wall, CPU) seconds."""
    out = work / "run.json"
    env = bench_env() | {"PYTHONPATH": str(tree)}
    command = [sys.executable, "-m", "tui", "--db", str(db), "refresh", "--json"]
    subprocess.run(
        [sys.executable, "-m", "tests.bench.runner", str(out), "--", *command],
        cwd=tree,
        env=env,
        check=True,
    )
    measured = json.loads(out.read_text())
    summary = json.loads(out.with_suffix(".stdout").read_text())
    if summary["failed"]:
        raise SystemExit(f"{tree}: {summary['failed']} feeds failed")
    return measured["wall_s"], measured["cpu_s"]


def copy_db(source: Path, target: Path) -> None:
    """The database and its WAL, as the cold refresh left them."""
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")
        else:
            Path(f"{target}{suffix}").unlink(missing_ok=True)


def main() -> None:
    """Parse the arguments, run the rounds, print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trees", nargs="+", type=Path)
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--phases", default="unchanged,changed", help="of cold,unchanged,changed")
    args = parser.parse_args()
    trees = [tree.resolve() for tree in args.trees]
    phases = args.phases.split(",")
    if unknown := set(phases) - {"cold", "unchanged", "changed"}:
        parser.error(f"unknown phases: {', '.join(sorted(unknown))}")
    farm = start_farm(args.feeds, args.latency_ms, lifetime_s=3600)
    work = Path(tempfile.mkdtemp(prefix="aigeo-ab-"))
    try:
        base, empty = work / "base.db", work / "empty.db"
        with Store.open(empty) as store, store.write():
            for url in farm.urls:
                store.add_source(url)
        copy_db(empty, base)
        refresh(trees[0], base, work)  # cold, once
        for tree in trees:  # each tree's first run (migrations, caches) is not timed
            refresh(tree, base, work)
        times: dict[tuple[str, Path], list[tuple[float, float]]] = {}
        for round_number in range(args.rounds):
            for phase in phases:
                for tree in trees:
                    copy_db(empty if phase == "cold" else base, work / "t.db")
                    if phase == "changed":
                        farm.control("/_bump")
                    try:
                        wall, cpu = refresh(tree, work / "t.db", work)
                    finally:
                        if phase == "changed":
                            farm.control("/_reset")
                    times.setdefault((phase, tree), []).append((wall, cpu))
                    print(f"{round_number} {phase:9} {tree}  {wall:.3f} s  {cpu:.3f} s CPU")
        for (phase, tree), values in times.items():
            wall = statistics.median(v[0] for v in values)
            cpu = statistics.median(v[1] for v in values)
            print(f"{phase:9} {tree!s:40} wall {wall:.3f} s  CPU {cpu:.3f} s")
    finally:
        farm.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
