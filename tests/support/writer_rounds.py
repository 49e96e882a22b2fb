"""Rounds of real writers on one database file, in random orders (suite and soak).

A round runs a shuffled mix of: the dashboard (refresh, star, read, tag), `aigeo
refresh`, `aigeo add`, `aigeo import FILE.opml`, `aigeo poll` (stopped by SIGINT after
its first round), the `sqlite3` command-line shell (a write and a read), a
Datasette-style reader (open, read, close, in another process) and a `kill -9` of an
`aigeo refresh` at a random moment. After the round, `Checker.verify` and the
dashboard's /proc/PID/fd say whether anything was lost.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.foreground import as_foreground_job
from tests.support.writers import REPO, Checker, Dashboard, Feeds, cli, wait_until

READER = (
    "import sqlite3, sys\n"
    "c = sqlite3.connect(sys.argv[1], timeout=30)\n"
    "print(c.execute('SELECT count(*) FROM items').fetchone()[0])\n"
    "c.execute('SELECT title FROM items ORDER BY id DESC LIMIT 50').fetchall()\n"
    "c.close()\n"
)


@dataclass
class Writers:
    """Everything a round needs: the file, the feeds, the dashboard and the checker."""

    db: Path
    tmp: Path
    env: dict[str, str]
    feeds: Feeds
    dashboard: Dashboard
    checker: Checker
    rng: random.Random
    log: list[str] = field(default_factory=list)
    added: int = 0

    # ----------------------------------------------------------------- the actions

    def dash(self, command: str) -> None:
        answer = self.dashboard.call(command)
        if "error" in answer:
            raise AssertionError(f"dashboard {command}: {answer}")
        self.checker.record(answer)

    def dash_refresh(self) -> None:
        self.dash("refresh")

    def dash_marks(self) -> None:
        self.dash("next")
        self.dash(self.rng.choice(["star", "read", "star"]))
        self.dash(f"tag t{self.rng.randrange(1000)}")

    def cli_ok(self, *args: str) -> None:
        done = cli(self.db, *args, env=self.env)
        if done.returncode != 0:
            raise AssertionError(f"aigeo {' '.join(args)}: {done.stderr.decode()[-500:]}")

    def cli_refresh(self) -> None:
        self.cli_ok("refresh", "--quiet")

    def cli_add(self) -> None:
        self.added += 1
        self.cli_ok("add", self.feeds.add_route(f"added{self.added}-{self.rng.randrange(10**6)}"))

    def cli_import(self) -> None:
        self.added += 1
        url = self.feeds.add_route(f"opml{self.added}-{self.rng.randrange(10**6)}")
        opml = self.tmp / "import.opml"
        opml.write_text(
            '<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>'
            f'<outline type="rss" text="imported" xmlUrl="{url}"/></body></opml>'
        )
        self.cli_ok("import", str(opml))

    def cli_poll(self) -> None:
        """`aigeo poll` until it has fetched once, then Ctrl-C (SIGINT), as a user would.
        A feed added just before is due at once, so the poll has work to do."""
        self.cli_add()
        before = len(self.feeds.server.requests)
        process = subprocess.Popen(
            [sys.executable, "-m", "tui", "--db", str(self.db), "poll", "--quiet"],
            env=self.env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=as_foreground_job,
        )
        wait_until(lambda: len(self.feeds.server.requests) > before, 60.0, 0.1)
        time.sleep(self.rng.uniform(0.0, 1.0))
        process.send_signal(signal.SIGINT)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)

    def sqlite3_shell(self) -> None:
        if shutil.which("sqlite3") is None:
            return
        done = subprocess.run(
            [
                "sqlite3",
                "-cmd",
                ".timeout 30000",
                str(self.db),
                "INSERT OR REPLACE INTO meta(key, value) VALUES('soak', datetime('now'));"
                "SELECT count(*) FROM items;",
            ],
            capture_output=True,
            timeout=60,
            check=False,
        )
        if done.returncode != 0:
            raise AssertionError(f"sqlite3: {done.stderr.decode()[-300:]}")

    def reader(self) -> None:
        done = subprocess.run(
            [sys.executable, "-c", READER, str(self.db)], capture_output=True, timeout=60
        )
        if done.returncode != 0:
            raise AssertionError(f"reader: {done.stderr.decode()[-300:]}")

    def killed_refresh(self) -> None:
        """An `aigeo refresh` killed with SIGKILL mid-refresh: once the feed server has seen
        its first fetch (so it is fetching, parsing and storing), after a random 0-0.8 s."""
        before = self.feeds.fetches()
        process = subprocess.Popen(
            [sys.executable, "-m", "tui", "--db", str(self.db), "refresh", "--quiet"],
            env=self.env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: self.feeds.fetches() > before or process.poll() is not None, 60.0)
        time.sleep(self.rng.uniform(0.0, 0.8))
        process.kill()
        process.wait(30)

    # ----------------------------------------------------------------- rounds

    def actions(self) -> list[Callable[[], None]]:
        return [
            self.dash_refresh,
            self.dash_marks,
            self.cli_refresh,
            self.cli_add,
            self.cli_import,
            self.cli_poll,
            self.sqlite3_shell,
            self.reader,
            self.killed_refresh,
        ]

    def dashboard_actions(self) -> list[Callable[[], None]]:
        return [self.dash_refresh, self.dash_marks]

    def round(self, size: int | None = None) -> list[str]:
        """One shuffled round (every action once, or a random `size` of them); returns
        the problems found after it (empty: nothing lost)."""
        chosen = self.actions()
        self.rng.shuffle(chosen)
        if size is not None:
            chosen = chosen[:size]
        return self.run(chosen)

    def short_round(self, others: int = 2) -> list[str]:
        """The soak's cheap round: one dashboard write (refresh, or star/read + tag) and
        `others` other writers drawn at random, shuffled, then the same checks."""
        rest = [a for a in self.actions() if a not in self.dashboard_actions()]
        chosen = [self.rng.choice(self.dashboard_actions()), *self.rng.sample(rest, others)]
        self.rng.shuffle(chosen)
        return self.run(chosen)

    def run(self, chosen: list[Callable[[], None]]) -> list[str]:
        """Run `chosen` in order, checking the dashboard's descriptors after each action
        and everything (`Checker.verify`) after the last."""
        self.log.append(" ".join(a.__name__ for a in chosen))
        problems: list[str] = []
        for action in chosen:
            try:
                action()
            except (AssertionError, subprocess.TimeoutExpired) as exc:
                problems.append(f"{action.__name__}: {exc}")
            if deleted := self.dashboard.deleted_files():
                problems.append(f"after {action.__name__}: dashboard holds {deleted}")
        problems += self.checker.verify(self.env)
        return problems

    def kill_dashboard_mid_write(self) -> list[str]:
        """kill -9 the dashboard while it refreshes (once the feed server has seen its
        first fetch, after a random 0-0.8 s), check, then start a new dashboard and check
        that it can write (star/read + tag) and that those writes land too."""
        assert self.dashboard.process.stdin is not None
        before = self.feeds.fetches()
        self.dashboard.process.stdin.write(b"refresh\n")
        self.dashboard.process.stdin.flush()
        wait_until(lambda: self.feeds.fetches() > before, 60.0)
        time.sleep(self.rng.uniform(0.0, 0.8))
        self.dashboard.kill()
        self.log.append("kill -9 dashboard mid-refresh, new dashboard, dash_marks")
        problems = self.checker.verify(self.env)
        self.dashboard = Dashboard(self.db, self.env)
        try:
            self.dash_marks()
        except AssertionError as exc:
            problems.append(f"dash_marks after the kill: {exc}")
        if deleted := self.dashboard.deleted_files():
            problems.append(f"new dashboard holds {deleted}")
        return problems + self.checker.verify(self.env)
