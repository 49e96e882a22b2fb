"""Crash safety: kill -9 a real `aigeo refresh` at random moments; UI writes during refreshes.

A farm of feeds on 127.0.0.1 changes every round: new items (guids carry the round)
and new text for stable items. Each round sets user state (read, starred, tags, theme
decisions, through the UI's own Tracker), starts `python -m tui refresh`, kills it
with SIGKILL at a random moment, and checks: SQLite's integrity_check and the FTS
index's own check pass; the user state is exactly what was set; each feed's items of a
round are all there or none (one transaction per feed). The next refresh completes.

The second test runs a process making the UI's writes (Tracker: star, read, tag, theme
decisions, one transaction each) non-stop while refreshes rewrite the same items: no
"database is locked", and replaying the writer's log gives exactly the stored state.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.support.farm import clean_env
from tests.support.feedserver import FeedServer, Reply, Seen, rss
from tui.model import ItemQuery
from tui.store import Store
from tui.ui.tracking import Tracker

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
FEEDS = 24
NEW_PER_ROUND = 12
STABLE = 8
TEXT = "Export controls on advanced chips and the compute race between the US and China. "


class Farm:
    """Feeds whose content depends on the current round."""

    def __init__(self, server: FeedServer) -> None:
        self.server = server
        self.round = 0
        self.urls = [server.route(f"/feed/{n}", self._handler(n)) for n in range(FEEDS)]

    def _handler(self, feed: int):  # type: ignore[no-untyped-def]
        def answer(seen: Seen) -> Reply:
            r = self.round
            items = [
                (f"r{r}-f{feed}-{k}", f"Round {r} item {k}", TEXT * 6) for k in range(NEW_PER_ROUND)
            ]
            items += [
                (f"stable-f{feed}-{k}", f"Stable {k} v{r}", TEXT * 5 + f" version {r}")
                for k in range(STABLE)
            ]
            return Reply(body=rss(items, title=f"Feed {feed}"), delay=random.uniform(0.0, 0.25))

        return answer


def aigeo_refresh(db: Path) -> subprocess.Popen[bytes]:
    """Start the real `aigeo refresh` (its own session, so its workers can be found)."""
    return subprocess.Popen(
        [sys.executable, "-m", "tui", "--db", str(db), "refresh", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=clean_env() | {"AIGEO_CONFIG": str(db.parent / "config.toml")},
        start_new_session=True,
    )


def kill_session(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the refresh, then whatever is left of its session (fork server, workers)."""
    process.kill()
    process.wait(10)
    time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


def check_integrity(db: Path) -> None:
    """SQLite's integrity_check and the FTS5 index's own consistency check."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        conn.execute("INSERT INTO items_fts(items_fts) VALUES ('integrity-check')")
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def user_state(store: Store) -> dict[str, Any]:
    """Every user decision in the store, keyed by item guid."""
    state: dict[str, Any] = {}
    rows = store.conn.execute(
        "SELECT i.id, i.guid, i.read, i.starred FROM items i ORDER BY i.id"
    ).fetchall()
    for item_id, guid, read, starred in rows:
        tags = sorted(store.tags_of([item_id])[item_id])
        themes = store.user_theme_decisions(item_id)
        if read or starred or tags or themes:
            state[guid] = {
                "read": bool(read),
                "starred": bool(starred),
                "tags": tags,
                "themes": themes,
            }
    return state


def act(store: Store, rng: random.Random, themes: list[str]) -> None:
    """Some user actions on random stored items, through the UI's Tracker."""
    tracker = Tracker(store)
    ids = [row.id for row in store.list_items(ItemQuery(limit=100_000))]
    for item_id in rng.sample(ids, min(6, len(ids))):
        choice = rng.randrange(4)
        if choice == 0:
            tracker.set_read([item_id], rng.random() < 0.7)
        elif choice == 1:
            tracker.toggle_star(item_id, rng.random() < 0.6)
        elif choice == 2:
            tracker.tag([item_id], [f"tag{rng.randrange(5)}"], [f"tag{rng.randrange(5)}"])
        else:
            tracker.decide_themes(item_id, {rng.choice(themes): rng.choice([True, False, None])})


def rounds_are_atomic(store: Store) -> None:
    """Each feed's items of one round are all stored or none (one transaction per feed)."""
    counts: dict[tuple[int, str], int] = {}
    for source_id, guid in store.conn.execute("SELECT source_id, guid FROM items"):
        if guid.startswith("r"):
            key = (source_id, guid.split("-", 1)[0])
            counts[key] = counts.get(key, 0) + 1
    partial = {key: n for key, n in counts.items() if n != NEW_PER_ROUND}
    assert not partial, partial


def test_kill_9_during_refresh_loses_nothing(tmp_path: Path, long_mode: bool) -> None:
    rounds = 50 if long_mode else 5
    rng = random.Random(20251122)
    db = tmp_path / "crash.db"
    server = FeedServer()
    try:
        farm = Farm(server)
        with Store.open(db) as store:
            for url in farm.urls:
                store.add_source(url)
        started = time.monotonic()
        first = aigeo_refresh(db)
        out, err = first.communicate(timeout=120)
        full_run = time.monotonic() - started
        assert first.returncode == 0, err
        assert json.loads(out)["ok"] == FEEDS
        from tui.themes import load_lexicon

        themes = load_lexicon().theme_ids
        interrupted = kills_mid_write = 0
        for round_number in range(1, rounds + 1):
            farm.round = round_number
            with Store.open(db) as store:
                act(store, rng, themes)
                expected = user_state(store)
                items_before = store.count_items(ItemQuery())
            process = aigeo_refresh(db)
            time.sleep(rng.uniform(0.2, full_run * 1.1))
            finished = process.poll() is not None
            interrupted += not finished
            kill_session(process)
            check_integrity(db)
            with Store.open(db) as store:
                assert user_state(store) == expected, f"round {round_number}"
                rounds_are_atomic(store)
                items_after = store.count_items(ItemQuery())
                assert items_after >= items_before
                if (
                    not finished
                    and items_before < items_after < items_before + FEEDS * NEW_PER_ROUND
                ):
                    kills_mid_write += 1  # killed with some feeds stored and others not
        farm.round += 1
        final = aigeo_refresh(db)
        out, err = final.communicate(timeout=120)
        assert final.returncode == 0, err
        summary = json.loads(out)
        assert summary["ok"] == FEEDS and summary["failed"] == 0, summary
        check_integrity(db)
        with Store.open(db) as store:
            assert user_state(store) == expected
            rounds_are_atomic(store)
        assert interrupted >= 1  # the kills did land during refreshes
        if long_mode:
            assert kills_mid_write >= 1  # … and between one feed's commit and another's
    finally:
        server.close()


WRITER = """
import json, random, sys, time
from tui.model import ItemQuery
from tui.store import Store
from tui.ui.tracking import Tracker
from tui.themes import load_lexicon

db, seconds, seed, log_path = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = random.Random(seed)
themes = load_lexicon().theme_ids
done = 0
with Store.open(db) as store, open(log_path, "w") as log:
    tracker = Tracker(store)
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        ids = [row.id for row in store.list_items(ItemQuery(limit=100000))]
        item_id = rng.choice(ids)
        guid = store.conn.execute("SELECT guid FROM items WHERE id = ?", (item_id,)).fetchone()[0]
        choice = rng.randrange(5)
        if choice == 0:
            value = rng.random() < 0.5
            tracker.set_read([item_id], value)
            op = ["read", guid, value]
        elif choice == 1:
            value = rng.random() < 0.5
            tracker.toggle_star(item_id, value)
            op = ["star", guid, value]
        elif choice == 2:
            tag = f"t{rng.randrange(6)}"
            tracker.tag([item_id], [tag], [])
            op = ["tag", guid, tag]
        elif choice == 3:
            tag = f"t{rng.randrange(6)}"
            tracker.tag([item_id], [], [tag])
            op = ["untag", guid, tag]
        else:
            theme, value = rng.choice(themes), rng.choice([True, False, None])
            tracker.decide_themes(item_id, {theme: value})
            op = ["theme", guid, theme, value]
        log.write(json.dumps(op) + "\\n")
        log.flush()
        done += 1
print(done)
"""


def replay(log: Path) -> dict[str, Any]:
    """The user state the writer's log says the store must hold."""
    state: dict[str, dict[str, Any]] = {}
    for line in log.read_text().splitlines():
        op = json.loads(line)
        entry = state.setdefault(
            op[1], {"read": False, "starred": False, "tags": set(), "themes": {}}
        )
        if op[0] == "read":
            entry["read"] = op[2]
        elif op[0] == "star":
            entry["starred"] = op[2]
        elif op[0] == "tag":
            entry["tags"].add(op[2])
        elif op[0] == "untag":
            entry["tags"].discard(op[2])
        elif op[3] is None:
            entry["themes"].pop(op[2], None)
        else:
            entry["themes"][op[2]] = op[3]
    return {
        guid: {**entry, "tags": sorted(entry["tags"])}
        for guid, entry in state.items()
        if entry["read"] or entry["starred"] or entry["tags"] or entry["themes"]
    }


def test_ui_writes_during_refreshes_never_lock_and_never_get_lost(
    tmp_path: Path, long_mode: bool
) -> None:
    seconds = 60.0 if long_mode else 6.0
    db = tmp_path / "busy.db"
    log = tmp_path / "writer.log"
    server = FeedServer()
    try:
        farm = Farm(server)
        with Store.open(db) as store:
            for url in farm.urls:
                store.add_source(url)
        first = aigeo_refresh(db)
        assert first.wait(120) == 0
        for stream in (first.stdout, first.stderr):
            stream.close()  # type: ignore[union-attr]
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), str(seconds), "7", str(log)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env=clean_env(),
        )
        refreshes = 0
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            farm.round += 1  # every refresh rewrites the stable items the writer marks
            refresh = aigeo_refresh(db)
            out, err = refresh.communicate(timeout=120)
            assert refresh.returncode == 0, err
            summary = json.loads(out)
            assert summary["failed"] == 0, [r["error"] for r in summary["results"] if not r["ok"]]
            refreshes += 1
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err.decode()
        assert b"locked" not in err
        writes = int(out)
        assert writes > 50 and refreshes >= 2, (writes, refreshes)
        check_integrity(db)
        with Store.open(db) as store:
            assert user_state(store) == replay(log)  # not one write lost or undone
    finally:
        server.close()
