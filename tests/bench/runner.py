"""Run one command and measure it whole: wall time, CPU of every descendant, peak RSS.

    python -m tests.bench.runner OUT.json -- COMMAND ARG...

The runner makes itself a child subreaper (Linux `PR_SET_CHILD_SUBREAPER`), so every
process the command starts (a fork server, parse workers) is reaped by the runner even
when its own parent has exited; `RUSAGE_CHILDREN` then holds the user + system CPU of
the whole process tree. Wall time ends when the command itself exits (what a user
waits for); stragglers are reaped afterwards (for at most 10 s) so their CPU counts.

Peak RSS is reported twice: `max_rss_mib`, the largest single process (from the
kernel's accounting), and `tree_rss_mib`, the largest sum over the live process tree,
sampled every 50 ms from /proc.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36
SAMPLE_S = 0.05
REAP_TIMEOUT_S = 10.0
PAGE = os.sysconf("SC_PAGE_SIZE")


def _become_subreaper() -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _tree_rss(root: int) -> int:
    """Resident bytes of `root`'s descendants (not `root` itself), from /proc."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(name))
    total = 0
    todo = list(children.get(root, []))
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
    return total


def run(command: list[str], stdout: Path, env: dict[str, str] | None = None) -> dict[str, float]:
    """Run `command` to completion; its stdout goes to `stdout`. Returns the measurements."""
    subreaper = _become_subreaper()
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        me = os.getpid()
        while not done.wait(SAMPLE_S):
            peak = max(peak, _tree_rss(me))

    sampler = threading.Thread(target=sample, daemon=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    errors = stdout.with_suffix(".stderr")
    with stdout.open("wb") as out, errors.open("wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        sampler.start()
        proc.wait()  # not communicate(): helpers inheriting a pipe would hold it open
        wall = time.perf_counter() - started
    done.set()
    deadline = time.monotonic() + REAP_TIMEOUT_S
    while subreaper and time.monotonic() < deadline:  # stragglers: fork server, workers
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            time.sleep(0.02)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "rc": proc.returncode,
        "wall_s": wall,
        "user_s": after.ru_utime - before.ru_utime,
        "sys_s": after.ru_stime - before.ru_stime,
        "cpu_s": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        "max_rss_mib": after.ru_maxrss / 1024,
        "tree_rss_mib": peak / 2**20,
        "subreaper": subreaper,
        "stderr": errors.read_text("utf-8", "replace")[-2000:],
    }


def main() -> None:
    """Command line: OUT.json -- COMMAND..."""
    out = Path(sys.argv[1])
    if sys.argv[2] != "--":
        raise SystemExit("usage: python -m tests.bench.runner OUT.json -- COMMAND ARG...")
    result = run(sys.argv[3:], out.with_suffix(".stdout"))
    out.write_text(json.dumps(result))


if __name__ == "__main__":
    main()
