"""Notes: set from the CLI, carried by items --json, found by note:, kept through
refresh, re-theme and a kill -9 in the middle of a refresh."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner, Result

from tests.support.feedserver import FeedServer, Reply, rss
from tui.cli.group import main
from tui.model import ItemQuery
from tui.query import parse_query
from tui.store import Store
from tui.store.notes import clean_note, set_note

NOTE = "Follow up: ask BIS whether the rule covers H20 successors\nsecond line"


def run(db_path: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--db", str(db_path), *args])


def _items(db_path: Path, *args: str) -> list[dict[str, object]]:
    result = run(db_path, "items", "--json", "--limit", "1000", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _noted(db_path: Path) -> dict[int, str]:
    with Store.open(db_path) as store:
        return {int(r[0]): str(r[1]) for r in store.conn.execute("SELECT * FROM item_notes")}


def test_note_from_the_cli_in_items_json_and_searchable(
    db_path: Path, feed_server: FeedServer
) -> None:
    url = feed_server.route(
        "/f", Reply(body=rss([("a", "Chip rule", "Export controls on AI chips")]))
    )
    run(db_path, "add", url, "--title", "Mine")
    assert run(db_path, "refresh").exit_code == 0
    (item,) = _items(db_path, "--source", "Mine")
    assert item["note"] == ""
    set_ok = run(db_path, "note", str(item["id"]), NOTE + "\x1b[31m")
    assert set_ok.exit_code == 0, set_ok.output
    (item,) = _items(db_path, "--source", "Mine")
    assert item["note"] == NOTE  # the escape sequence's ESC is dropped on the way in
    found = _items(db_path, "--search", "note:bis")
    assert [i["id"] for i in found] == [item["id"]]
    assert _items(db_path, "--search", 'note:"h20 successors" source:Mine')
    assert not _items(db_path, "--search", "note:nothing-like-this")
    assert item["id"] in {i["id"] for i in _items(db_path, "--search", "note:*")}
    assert item["id"] not in {i["id"] for i in _items(db_path, "--search", "-note:*")}
    exported = json.loads(run(db_path, "notes").stdout)
    assert [(n["item_id"], n["note"], n["source"]) for n in exported] == [
        (item["id"], NOTE, "Mine")
    ]
    run(db_path, "note", str(item["id"]), "=HYPERLINK(1)")
    table = list(csv.DictReader(io.StringIO(run(db_path, "notes", "--format", "csv").stdout)))
    assert table[0]["note"] == "'=HYPERLINK(1)" and table[0]["title"] == "Chip rule"
    run(db_path, "note", str(item["id"]), NOTE)
    shown = run(db_path, "note", str(item["id"]))
    assert shown.stdout.startswith("Follow up")
    assert run(db_path, "note", "999999", "x").exit_code == 1
    assert run(db_path, "note", str(item["id"]), "--clear").exit_code == 0
    assert _items(db_path, "--search", "note:bis") == []


def test_note_query_parses_and_describes() -> None:
    parsed = parse_query('note:export -note:"done" chips')
    assert parsed.notes == (("export",),) and parsed.exclude_notes == ("done",)
    assert "note: export" in parsed.describe()
    assert parse_query("note:*").to_item_query().note_groups == (("",),)
    assert clean_note("  a\r\nb\x00\x07  \n") == "a\nb"


def test_notes_survive_refresh_retheme_and_kill_9_mid_refresh(
    db_path: Path, feed_server: FeedServer
) -> None:
    first = [("a", "Chip rule", "Export controls on AI chips to China")]
    url = feed_server.route("/f", Reply(body=rss(first)))
    run(db_path, "add", url, "--title", "Mine")
    assert run(db_path, "refresh").exit_code == 0
    (item,) = _items(db_path, "--source", "Mine")
    with Store.open(db_path) as store:
        set_note(store, int(item["id"]), NOTE)  # type: ignore[arg-type]
    # the item itself changes (title and text rewritten by its feed): an update in place
    changed = [("a", "Chip rule (updated)", "New text: export controls widened to HBM")]
    feed_server.route("/f", Reply(body=rss(changed)))
    assert run(db_path, "refresh").exit_code == 0
    (item,) = _items(db_path, "--source", "Mine")
    assert item["title"] == "Chip rule (updated)" and item["note"] == NOTE
    assert run(db_path, "retheme").exit_code == 0
    assert _noted(db_path) == {item["id"]: NOTE}
    # kill -9 while a refresh is storing and fetching: one feed changed, one still dripping
    many = [(f"n{i}", f"Story {i} on chips", f"Export controls item {i}") for i in range(300)]
    feed_server.route("/f", Reply(body=rss([changed[0], *many])))
    slow = feed_server.route("/slow", Reply(body=rss(many[:3]) * 50, drip=0.01))
    run(db_path, "add", slow, "--title", "Slow")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "--db", str(db_path), "refresh"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_env(),
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not feed_server.hits("/slow"):
            time.sleep(0.05)
        assert feed_server.hits("/slow"), "the refresh never reached the slow feed"
        time.sleep(0.3)
        assert proc.poll() is None, "the refresh ended before it could be killed"
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
    with Store.open(db_path) as store:
        assert store.integrity_check() == "ok"
        assert store.count_items(ItemQuery(note_groups=(("bis",),))) == 1
    assert _noted(db_path) == {item["id"]: NOTE}
    feed_server.route("/slow", Reply(body=rss(many[:3])))
    assert run(db_path, "refresh").exit_code == 0
    assert _noted(db_path) == {item["id"]: NOTE}
