"""Run a real refresh in a subprocess and watch its whole process tree's memory.

`run_refresh` starts `python -c …refresh_sources(…)` (the engine `aigeo refresh` uses,
with test settings: short deadlines, no proxies) in a new session, samples the resident
memory of every process in that session (the refresh, the fork server, the parse
workers) until it ends, and returns the summary JSON with the peaks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
MIB = 1024 * 1024

DRIVER = """
import json, sys
from tui.feeds.poller import PollSettings, refresh_sources
settings = PollSettings(**json.loads(sys.argv[2]))
summary = refresh_sources(sys.argv[1], settings=settings)
print(json.dumps(summary.to_json()))
"""


@dataclass
class TreeMemory:
    """Peaks seen while sampling a session's processes."""

    peak_process: int = 0  # the largest VmHWM of any one process (bytes)
    peak_total: int = 0  # the largest sum of VmRSS over the session at one sample
    processes: set[int] = field(default_factory=set)


def _status_kib(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _session_pids(session: int) -> list[int]:
    pids = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 3 and fields[3] == str(session):
            pids.append(int(name))
    return pids


def watch_tree(process: subprocess.Popen[bytes], every_s: float = 0.02) -> TreeMemory:
    """Sample the memory of `process`'s session (it was started with a new session)
    until it exits; returns the peaks."""
    memory = TreeMemory()
    while True:
        total = 0
        for pid in _session_pids(process.pid):
            memory.processes.add(pid)
            memory.peak_process = max(memory.peak_process, _status_kib(pid, "VmHWM:") * 1024)
            total += _status_kib(pid, "VmRSS:") * 1024
        memory.peak_total = max(memory.peak_total, total)
        if process.poll() is not None:
            return memory
        time.sleep(every_s)


@dataclass
class RefreshRun:
    """What one subprocess refresh did."""

    summary: dict[str, Any]
    memory: TreeMemory
    seconds: float
    stderr: str

    def result(self, url: str) -> dict[str, Any]:
        """The result entry of the source with this URL."""
        return next(r for r in self.summary["results"] if r["url"] == url)


def clean_env() -> dict[str, str]:
    """The environment without proxies (traffic goes to 127.0.0.1 only)."""
    return {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}


def run_refresh(db: Path, timeout_s: float = 120.0, **settings: Any) -> RefreshRun:
    """Refresh every feed of `db` in a subprocess with these PollSettings overrides."""
    options = {"trust_env": False, "jitter": 0.0, "parse_workers": 2} | settings
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(db), json.dumps(options)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=clean_env(),
        start_new_session=True,
    )
    output: dict[str, bytes] = {}

    def drain() -> None:
        output["out"], output["err"] = process.communicate(timeout=timeout_s)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    memory = watch_tree(process)
    reader.join(timeout_s)
    seconds = time.monotonic() - started
    stderr = output.get("err", b"").decode(errors="replace")
    assert process.returncode == 0, stderr
    return RefreshRun(json.loads(output["out"]), memory, seconds, stderr)
