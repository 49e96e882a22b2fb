"""The writer-safety soak: hundreds of rounds of real writers on one file.

    uv run python -m tests.bench.soak_writers --minutes 20 > soak.txt

Each round is tests.support.writer_rounds.Writers.round() (the dashboard in its own
process plus `aigeo refresh/add/import/poll`, the sqlite3 shell, a reader and kill -9
of a refresh, shuffled); every 10th round kills the dashboard with SIGKILL mid-refresh
and starts a new one. Prints one line per round and a summary: rounds run, integrity
failures, writes lost, deleted WAL/SHM held by the dashboard. Exit status 1 on any loss.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from tests.support.writer_rounds import Writers
from tests.support.writers import Checker, Dashboard, Feeds, child_env, cli


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--round-size", type=int, default=4, help="actions per round")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    tally = {"rounds": 0, "integrity": 0, "lost": 0, "deleted": 0, "other": 0, "kills": 0}
    with tempfile.TemporaryDirectory(prefix="aigeo-soak-") as folder:
        tmp = Path(folder)
        db = tmp / "soak.db"
        env = child_env(tmp)
        feeds = Feeds(count=4)
        for url in feeds.urls:
            cli(db, "add", url, env=env)
        cli(db, "refresh", "--quiet", env=env)
        writers = Writers(db, tmp, env, feeds, Dashboard(db, env), Checker(db), rng)
        started = time.monotonic()
        deadline = started + args.minutes * 60
        try:
            while time.monotonic() < deadline:
                tally["rounds"] += 1
                if tally["rounds"] % 10 == 0:
                    tally["kills"] += 1
                    problems = writers.kill_dashboard_mid_write()
                    what = "kill -9 dashboard mid-refresh"
                else:
                    problems = writers.round(size=args.round_size)
                    what = writers.log[-1]
                for problem in problems:
                    if problem.startswith("integrity"):
                        tally["integrity"] += 1
                    elif "lost" in problem or "dropped" in problem:
                        tally["lost"] += 1
                    elif "deleted" in problem:
                        tally["deleted"] += 1
                    else:
                        tally["other"] += 1
                elapsed = time.monotonic() - started
                status = "; ".join(problems) if problems else "ok"
                print(f"round {tally['rounds']} ({elapsed:.0f} s) {what}: {status}", flush=True)
        finally:
            writers.dashboard.quit()
            feeds.close()
            final = writers.checker.verify(env)
    print(
        f"soak: {tally['rounds']} rounds in {(time.monotonic() - started) / 60:.1f} min, "
        f"{tally['kills']} dashboard kills; integrity failures {tally['integrity']}, "
        f"writes lost {tally['lost']}, deleted WAL/SHM held {tally['deleted']}, "
        f"other problems {tally['other']}; final check: {final or 'ok'}; "
        f"stars {len(writers.checker.stars)}, tags {len(writers.checker.tags)}, "
        f"items {writers.checker.last_count}",
        flush=True,
    )
    bad = tally["integrity"] + tally["lost"] + tally["deleted"] + len(final)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
