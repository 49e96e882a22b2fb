"""Real processes writing one real database file: the writer-safety suite's parts.

`Dashboard` is the dashboard in its own process (tests.support.dashboard_proc, Pilot over
stdin); `cli()` runs `python -m tui --db DB ...` like a user or cron would; `Feeds` is
a loopback feed server whose feeds grow on every fetch, so each refresh stores new
items. `Checker` holds what the dashboard wrote and verifies, from a fresh process's
point of view, that nothing was lost: integrity_check ok, every star/tag/read still
there, the item count never lower than before. The soak (tests/bench/soak_writers.py)
uses the same parts for hundreds of rounds.
"""

from __future__ import annotations

import json
import os
import queue
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.feedserver import FeedServer, Reply, Seen, rss

REPO = Path(__file__).resolve().parents[2]
MARKER_VARIABLE = "AIGEO_TEST_MARKER"


def child_env(tmp: Path, marker: str = "") -> dict[str, str]:
    """An environment for aigeo processes: config and overlay in `tmp`, no proxies,
    and a marker every descendant inherits (the orphan scan looks for it)."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower() and k != "AIGEO_DB"}
    env.update(
        AIGEO_CONFIG=str(tmp / "config.toml"),
        AIGEO_THEMES_LOCAL=str(tmp / "themes.local.toml"),
        PYTHONPATH=str(REPO),
    )
    if marker:
        env[MARKER_VARIABLE] = marker
    return env


def cli(
    db: Path, *args: str, env: dict[str, str], timeout: float = 120.0, input: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """`aigeo --db DB args…` in a new process (python -m tui, the installed entry point's
    code), waited for."""
    return subprocess.run(
        [sys.executable, "-m", "tui", "--db", str(db), *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        timeout=timeout,
        input=input,
        check=False,
    )


class Feeds:
    """A FeedServer whose feeds /f0.xml … grow by `step` items on every fetch."""

    def __init__(self, count: int = 3, step: int = 3) -> None:
        self.server = FeedServer()
        self._hits: dict[str, int] = {}
        self._lock = threading.Lock()
        self.step = step
        self.urls = [self.server.route(f"/f{n}.xml", self._answer) for n in range(count)]

    def _answer(self, seen: Seen) -> Reply:
        with self._lock:
            hits = self._hits[seen.path] = self._hits.get(seen.path, 0) + 1
        name = seen.path.strip("/").removesuffix(".xml")
        items = [
            (f"{name}-{n}", f"{name} item {n}", f"AI export controls story {n} of {name}")
            for n in range(hits * self.step)
        ]
        return Reply(body=rss(items[-60:], title=f"feed {name}"))

    def add_route(self, name: str) -> str:
        """One more feed, small and fixed (two items): the soak adds hundreds, and every
        refresh fetches them all, so only the first `count` feeds grow (each refresh still
        stores new items) while an added feed costs a fetch and a tiny parse."""
        body = rss(
            [(f"{name}-{n}", f"{name} item {n}", f"AI chips story {n} of {name}") for n in (0, 1)],
            title=f"feed {name}",
        )
        url = self.server.route(f"/{name}.xml", Reply(body=body))
        self.urls.append(url)
        return url

    def fetches(self) -> int:
        """Requests the server has answered so far (to wait for a writer to be mid-refresh)."""
        return len(self.server.requests)

    def close(self) -> None:
        self.server.close()


class Dashboard:
    """The dashboard in a subprocess; `call(command)` → its JSON answer."""

    def __init__(self, db: Path, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.dashboard_proc", str(db)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=REPO,
        )
        self.db = db
        self._answers: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        ready = self._next(90.0)
        if not ready.get("ready"):
            raise RuntimeError(f"dashboard did not start: {ready} {self.stderr()}")
        self.pid = self.process.pid

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                self._answers.put(json.loads(line))
            except ValueError:
                continue
        self._answers.put(None)

    def _next(self, timeout: float) -> dict[str, Any]:
        try:
            got = self._answers.get(timeout=timeout)
        except queue.Empty:
            return {"error": f"no answer in {timeout:g} s"}
        return got if got is not None else {"error": "the dashboard exited"}

    def call(self, command: str, timeout: float = 90.0) -> dict[str, Any]:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(command.encode() + b"\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            return {"error": "the dashboard exited"}
        return self._next(timeout)

    def stderr(self) -> str:
        if self.process.poll() is None or self.process.stderr is None:
            return ""
        return self.process.stderr.read().decode("utf-8", "replace")[-3000:]

    def deleted_files(self) -> list[str]:
        """The dashboard's descriptors on a deleted file of the database's family."""
        return deleted_database_files(self.pid, self.db)

    def quit(self, timeout: float = 30.0) -> int:
        if self.process.poll() is None:
            self.call("quit")
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(10)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


def deleted_database_files(pid: int, db: Path) -> list[str]:
    """What /proc/PID/fd shows as '(deleted)' among the database, -wal and -shm."""
    found = []
    fd_dir = Path(f"/proc/{pid}/fd")
    try:
        names = list(fd_dir.iterdir())
    except OSError:
        return []
    for name in names:
        try:
            target = os.readlink(name)
        except OSError:
            continue
        if target.startswith(str(db)) and target.endswith("(deleted)"):
            found.append(target)
    return found


@dataclass
class Checker:
    """What the dashboard wrote, and the item count seen last; `verify()` → problems."""

    db: Path
    stars: set[int] = field(default_factory=set)
    reads: set[int] = field(default_factory=set)
    tags: set[tuple[int, str]] = field(default_factory=set)
    last_count: int = 0

    def record(self, answer: dict[str, Any]) -> None:
        if "id" not in answer:
            return
        item = int(answer["id"])
        if "star" in answer:
            (self.stars.add if answer["star"] else self.stars.discard)(item)
        if "read" in answer:
            (self.reads.add if answer["read"] else self.reads.discard)(item)
        if "tag" in answer:
            self.tags.add((item, answer["tag"]))

    def verify(self, env: dict[str, str]) -> list[str]:
        """Problems seen by a fresh process (`aigeo items --json` for the writes,
        sqlite3 in this process, opened and closed, for integrity and counts)."""
        problems = []
        conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=30)
        try:
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
            count = conn.execute("SELECT count(*) FROM items").fetchone()[0]
            starred = {r[0] for r in conn.execute("SELECT id FROM items WHERE starred")}
            read = {r[0] for r in conn.execute("SELECT id FROM items WHERE read")}
            tags = {(r[0], r[1]) for r in conn.execute("SELECT item_id, tag FROM tags")}
        finally:
            conn.close()
        if integrity != "ok":
            problems.append(f"integrity_check: {integrity}")
        if count < self.last_count:
            problems.append(f"items dropped from {self.last_count} to {count}")
        self.last_count = max(self.last_count, count)
        if lost := self.stars - starred:
            problems.append(f"stars lost: {sorted(lost)}")
        if lost := self.reads - read:
            problems.append(f"read marks lost: {sorted(lost)}")
        if lost := self.tags - tags:
            problems.append(f"tags lost: {sorted(lost)}")
        listed = cli(
            self.db, "items", "--search", "is:starred", "--json", "--limit", "100000", env=env
        )
        if listed.returncode != 0:
            problems.append(f"aigeo items failed: {listed.stderr.decode()[-300:]}")
        else:
            seen = {row["id"] for row in json.loads(listed.stdout) if row["starred"]}
            if lost := self.stars - seen:
                problems.append(f"stars not seen by a fresh aigeo: {sorted(lost)}")
        return problems


def wait_until(predicate: Any, timeout: float, step: float = 0.05) -> bool:
    """Poll `predicate()` until true or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())
