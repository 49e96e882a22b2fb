"""The writer-safety soak: hundreds of rounds of real writers on one file.

    uv run python -m tests.bench.soak_writers --minutes 20 > soak.txt

A round is cheap so that 20 minutes hold hundreds: Writers.short_round() is one write
by the dashboard (which keeps running across rounds: refresh, or star/read + tag) and one
other writer (--others) drawn from `aigeo refresh/add/import/poll`, the sqlite3 shell, a reader
and a kill -9 of a refresh mid-refresh, shuffled; every --kill-every'th round instead
kills the dashboard with SIGKILL mid-refresh, starts a new one and writes with it. After
every round: integrity_check, deleted WAL/SHM held, every dashboard write visible to a
fresh `aigeo`, item count. At the end, once the dashboard has quit, no process any
round started may be left (an orphan from any kill outlives the run). Each line carries
the running totals, so a run stopped early (SIGTERM or Ctrl-C also print the summary)
still yields its figures. Exit status 1 on any loss or leftover process.
"""

from __future__ import annotations

import argparse
import random
import signal
import sys
import tempfile
import time
import uuid
from pathlib import Path

from tests.safety.test_orphans import describe_process, marked_processes
from tests.support.writer_rounds import Writers
from tests.support.writers import Checker, Dashboard, Feeds, child_env, cli, wait_until


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--others", type=int, default=1, help="non-dashboard writers a round")
    parser.add_argument("--kill-every", type=int, default=25, help="kill -9 the dashboard")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _stop)
    rng = random.Random(args.seed)
    tally = {"rounds": 0, "integrity": 0, "lost": 0, "deleted": 0, "other": 0, "kills": 0}
    with tempfile.TemporaryDirectory(prefix="aigeo-soak-") as folder:
        tmp = Path(folder)
        db = tmp / "soak.db"
        marker = uuid.uuid4().hex
        env = child_env(tmp, marker)
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
                if tally["rounds"] % args.kill_every == 0:
                    tally["kills"] += 1
                    problems = writers.kill_dashboard_mid_write()
                else:
                    problems = writers.short_round(others=args.others)
                what = writers.log[-1]
                for problem in problems:
                    if problem.startswith("integrity"):
                        tally["integrity"] += 1
                    elif any(w in problem for w in ("lost", "dropped", "not seen")):
                        tally["lost"] += 1
                    elif "deleted" in problem:
                        tally["deleted"] += 1
                    else:
                        tally["other"] += 1
                elapsed = time.monotonic() - started
                status = "; ".join(problems) if problems else "ok"
                print(
                    f"round {tally['rounds']} ({elapsed:.0f} s) {what}: {status} | totals: "
                    f"integrity {tally['integrity']}, lost {tally['lost']}, "
                    f"deleted {tally['deleted']}, other {tally['other']}, "
                    f"kills {tally['kills']}",
                    flush=True,
                )
        except KeyboardInterrupt:
            print("stopped early", flush=True)
        finally:
            writers.dashboard.quit()
            feeds.close()
            final = writers.checker.verify(env)
            wait_until(lambda: not marked_processes(marker), 20.0, 0.2)
            left = [describe_process(pid) for pid in marked_processes(marker)]
    print(
        f"soak: {tally['rounds']} rounds in {(time.monotonic() - started) / 60:.1f} min, "
        f"{tally['kills']} dashboard kills; integrity failures {tally['integrity']}, "
        f"writes lost {tally['lost']}, deleted WAL/SHM held {tally['deleted']}, "
        f"other problems {tally['other']}; final check: {final or 'ok'}; "
        f"stars {len(writers.checker.stars)}, tags {len(writers.checker.tags)}, "
        f"items {writers.checker.last_count}; processes left after the run: {len(left)}"
        + "".join(f"\n  left: {line}" for line in left),
        flush=True,
    )
    bad = tally["integrity"] + tally["lost"] + tally["deleted"] + len(final) + len(left)
    return 1 if bad else 0


def _stop(signum: int, frame: object) -> None:
    """SIGTERM ends the soak like Ctrl-C: the dashboard quits and the summary prints."""
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
