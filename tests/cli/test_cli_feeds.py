"""The feed commands: add, remove, sources, import, export, refresh, poll."""

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

import pytest
from click.testing import CliRunner, Result

from tests.support.feedserver import FeedServer, Reply, rss
from tests.support.foreground import as_foreground_job
from tui.cli.group import main
from tui.config import seeds_dir
from tui.store import Store

FEED = rss([("a1", "One", "first"), ("a2", "Two", "second")])


def run(db_path: Path, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, ["--db", str(db_path), *args], input=input)


def feed_ids(db_path: Path) -> list[int]:
    with Store.open(db_path) as store:
        return [s.id for s in store.feed_sources(include_disabled=True)]


# --------------------------------------------------------------------------- add / remove


def test_add_validates_and_is_idempotent(db_path: Path) -> None:
    ok = run(
        db_path, "add", "https://example.org/feed", "--no-fetch", "-c", "news", "--title", "Ex"
    )
    assert ok.exit_code == 0 and "added #" in ok.stdout
    again = run(db_path, "add", "https://example.org/feed", "--no-fetch")
    assert again.exit_code == 0 and "already a source" in again.stdout
    for bad in ("ftp://example.org/x", "|~/script.sh", "file:///etc/passwd", "nonsense"):
        result = run(db_path, "add", bad)
        assert result.exit_code == 1, bad
        assert "cannot add" in result.stderr
    with Store.open(db_path) as store:
        (source,) = store.feed_sources()
    assert (source.title, source.category) == ("Ex", "news")


def test_remove_asks_and_says_how_many_items_go(db_path: Path, feed_server: FeedServer) -> None:
    url = feed_server.route("/feed", Reply(body=FEED))
    run(db_path, "add", "--no-fetch", url, "--title", "Mine")
    assert run(db_path, "refresh").exit_code == 0
    declined = run(db_path, "remove", "Mine", input="n\n")
    assert declined.exit_code == 1 and "2 items" in declined.output
    assert feed_ids(db_path)
    accepted = run(db_path, "remove", "mine", input="y\n")
    assert accepted.exit_code == 0 and "removed" in accepted.stdout
    assert not feed_ids(db_path)
    assert run(db_path, "remove", "Mine", "--yes").exit_code == 1  # gone


def test_remove_with_yes_by_id(db_path: Path) -> None:
    run(db_path, "add", "https://example.org/feed", "--no-fetch")
    (sid,) = feed_ids(db_path)
    result = run(db_path, "remove", str(sid), "--yes")
    assert result.exit_code == 0 and "(0 items)" in result.stdout


# --------------------------------------------------------------------------- import / export


def test_import_file_reports_skips(db_path: Path, tmp_path: Path) -> None:
    opml = tmp_path / "mine.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline text="F">'
        '<outline text="Good" xmlUrl="https://good.example/feed"/>'
        '<outline text="Cmd" xmlUrl="|~/fetch_tweets.py"/>'
        "</outline></body></opml>"
    )
    first = run(db_path, "import", str(opml))
    assert first.exit_code == 0
    assert "imported 1 new feeds" in first.stdout and "never run" in first.stdout
    second = run(db_path, "import", str(opml), "--json")
    report = json.loads(second.stdout)
    assert report["added"] == [] and len(report["existing"]) == 1
    assert report["skipped"][0]["reason"].startswith("a command")


def test_import_defaults_and_errors(db_path: Path, tmp_path: Path) -> None:
    result = run(db_path, "import", "--defaults")
    assert result.exit_code == 0 and "nothing was fetched" in result.stdout
    with Store.open(db_path) as store:
        assert len(store.feed_sources()) >= 20
        assert not store.fetches(store.feed_sources()[0].id)  # nothing fetched
    assert run(db_path, "import").exit_code == 2
    assert run(db_path, "import", "x.opml", "--defaults").exit_code == 2
    bad = tmp_path / "bad.opml"
    bad.write_text("<html/>")
    assert run(db_path, "import", str(bad)).exit_code == 1
    assert run(db_path, "import", str(tmp_path / "missing.opml")).exit_code == 1


def test_export_formats(db_path: Path, tmp_path: Path) -> None:
    run(db_path, "import", str(seeds_dir() / "feeds.opml"))
    count = len(feed_ids(db_path))
    as_json = json.loads(run(db_path, "export", "json").stdout)
    assert len(as_json) == count and {"url", "title", "category"} <= set(as_json[0])
    rows = list(csv.DictReader(io.StringIO(run(db_path, "export", "csv").stdout)))
    assert len(rows) == count
    out = tmp_path / "out.opml"
    assert run(db_path, "export", "opml", "-o", str(out)).exit_code == 0
    other = tmp_path / "other.db"
    assert "imported" in run(other, "import", str(out)).stdout
    assert len(feed_ids(other)) == count


# --------------------------------------------------------------------------- sources / refresh


def test_sources_shows_health(db_path: Path, feed_server: FeedServer) -> None:
    run(db_path, "add", "--no-fetch", feed_server.route("/ok", Reply(body=FEED)), "--title", "Good")
    run(db_path, "add", "--no-fetch", feed_server.url("/missing"), "--title", "Bad")
    run(db_path, "refresh")
    rows = {r["title"]: r for r in json.loads(run(db_path, "sources", "--json").stdout)}
    good, bad = rows["Good"], rows["Bad"]
    assert good["status"] == 200 and good["ok_at"] and good["items"] == 2 and good["unread"] == 2
    assert good["next_check_at"] and good["error_count"] == 0
    assert bad["status"] == 404 and bad["error"] == "HTTP 404 Not Found" and bad["error_count"] == 1
    assert bad["ok_at"] is None and bad["disabled"] is False
    text = run(db_path, "sources").stdout
    assert "Good" in text and "HTTP 404 Not Found" in text


def test_refresh_output_and_exit_status(db_path: Path, feed_server: FeedServer) -> None:
    run(db_path, "add", "--no-fetch", feed_server.route("/ok", Reply(body=FEED)))
    run(db_path, "add", "--no-fetch", feed_server.url("/missing"))
    result = run(db_path, "refresh")
    assert result.exit_code == 2  # one feed worked, one failed
    assert "1 ok, 1 failed; 2 new items" in result.stdout
    assert "HTTP 404 Not Found" in result.stderr
    summary = json.loads(run(db_path, "refresh", "--json").stdout)
    assert summary["ok"] == 1 and summary["failed"] == 1 and len(summary["results"]) == 2


def test_refresh_exits_1_when_everything_failed(db_path: Path, feed_server: FeedServer) -> None:
    run(db_path, "add", "--no-fetch", feed_server.url("/missing"))
    result = run(db_path, "refresh")
    assert result.exit_code == 1 and "HTTP 404" in result.stderr


def test_refresh_quiet_reports_a_failure_once(db_path: Path, feed_server: FeedServer) -> None:
    run(db_path, "add", "--no-fetch", feed_server.route("/ok", Reply(body=FEED)))
    run(db_path, "add", "--no-fetch", feed_server.url("/missing"))
    first = run(db_path, "refresh", "--quiet")
    assert first.exit_code == 2 and first.stdout == ""  # one of two failed
    assert "HTTP 404" in first.stderr
    second = run(db_path, "refresh", "--quiet")
    assert second.stdout == "" and second.stderr == ""  # still failing: not repeated


def test_refresh_one_source_and_no_feeds(db_path: Path, feed_server: FeedServer) -> None:
    empty = run(db_path, "refresh")
    assert empty.exit_code == 0 and "no feeds yet" in empty.stderr
    run(db_path, "add", "--no-fetch", feed_server.route("/a", Reply(body=FEED)))
    run(db_path, "add", "--no-fetch", feed_server.route("/b", Reply(body=FEED)))
    a, _ = feed_ids(db_path)
    result = run(db_path, "refresh", "--source", str(a), "--json")
    assert [r["source_id"] for r in json.loads(result.stdout)["results"]] == [a]
    assert not feed_server.hits("/b")
    assert run(db_path, "refresh", "--source", "nope").exit_code == 1


# --------------------------------------------------------------------------- processes


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def test_a_refresh_process_ends_with_its_output_its_status_and_the_file_closed(
    db_path: Path, feed_server: FeedServer
) -> None:
    # `aigeo refresh` leaves with os._exit (no interpreter finalization): everything
    # must be flushed and closed before, so the last connection's close removed the WAL.
    run(db_path, "add", "--no-fetch", feed_server.route("/ok", Reply(body=FEED)))
    run(db_path, "add", "--no-fetch", feed_server.url("/missing"))
    for args, status in ((("refresh", "--json"), 2), (("refresh",), 2)):
        done = subprocess.run(
            [sys.executable, "-m", "tui", "--db", str(db_path), *args],
            capture_output=True,
            text=True,
            env=_env() | {"PYTHONUNBUFFERED": "0"},  # buffered: the exit must flush
            timeout=120,
        )
        assert done.returncode == status, done.stderr
        if "--json" in args:
            summary = json.loads(done.stdout)
            assert (summary["ok"], summary["failed"], summary["new_items"]) == (1, 1, 2)
        else:
            assert "HTTP 404 Not Found" in done.stderr
            assert done.stdout.endswith("1 ok, 1 failed; 0 new items\n")
        assert not Path(f"{db_path}-wal").exists()
    with Store.open(db_path) as store:
        assert store.quick_check() is None


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_poll_refreshes_due_feeds_and_stops_cleanly(
    db_path: Path, feed_server: FeedServer, stop_signal: int
) -> None:
    url = feed_server.route("/feed", Reply(body=FEED))
    run(db_path, "add", "--no-fetch", url)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "--db", str(db_path), "poll", "--max-sleep", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
        preexec_fn=as_foreground_job,
    )
    try:
        deadline = time.monotonic() + 120  # generous: a loaded machine
        while time.monotonic() < deadline:
            with Store.open(db_path) as store:
                if store.fetches(feed_ids(db_path)[0]):
                    break
            time.sleep(0.1)
        else:
            pytest.fail("poll did not fetch the due feed")
        time.sleep(1.5)
        proc.send_signal(stop_signal)
        _out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "stopped" in err and "Traceback" not in err
    assert len(feed_server.hits("/feed")) == 1  # not due again within the interval


def test_feed_modules_do_not_import_textual() -> None:
    code = (
        "import sys, tui.cli.group, tui.cli.feeds, tui.feeds.poller, tui.feeds.fetch,"
        " tui.feeds.opml, tui.feeds.workers;"
        "sys.exit('textual' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], env=_env()).returncode == 0
