"""Watchlists through the CLI with real loopback feeds: alerts, one per story, the hook."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from xml.sax.saxutils import escape

from click.testing import CliRunner, Result

from tests.support.feedserver import FeedServer, Reply
from tests.support.newsdata import ARTICLES, Article
from tui.cli.group import main
from tui.model import ItemQuery
from tui.store import Store

H20 = [a for a in ARTICLES if a.story == "h20"]
OTHER = [a for a in ARTICLES if a.story in ("uk-aisi", "france-109")]


def run(db_path: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--db", str(db_path), *args])


def feed(outlet: str, articles: list[Article]) -> bytes:
    """An RSS document of these articles as `outlet` publishes them."""
    slug = outlet.lower().replace(" ", "")
    parts = ['<?xml version="1.0"?><rss version="2.0"><channel>', f"<title>{outlet}</title>"]
    for a in articles:
        parts.append(
            f"<item><guid>{slug}-{escape(a.guid)}</guid><title>{escape(a.title)}</title>"
            f"<link>https://{slug}.example/{escape(a.guid)}</link>"
            f"<pubDate>{a.published}</pubDate><description>{escape(a.text)}</description></item>"
        )
    return ("".join(parts) + "</channel></rss>").encode()


def alerts_json(db_path: Path, *extra: str) -> list[dict[str, object]]:
    result = run(db_path, "alerts", "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def refresh(db_path: Path) -> dict[str, object]:
    result = run(db_path, "refresh", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_alert_on_a_new_match_and_silence_otherwise(db_path: Path, feed_server: FeedServer) -> None:
    url = feed_server.route("/f", Reply(body=feed("Wire", [H20[0]])))
    assert run(db_path, "add", url, "--title", "Wire").exit_code == 0
    assert refresh(db_path)["new_items"] == 1
    watched = run(db_path, "watch", "DeepSeek", "DeepSeek")
    assert watched.exit_code == 0, watched.output
    run(db_path, "watch", "H20 exports", "Nvidia H20")
    # nothing new: no alert; what was stored before watching never alerts
    assert refresh(db_path)["alerts"] == 0 and alerts_json(db_path) == []
    # new items that match no watched view: silence
    feed_server.route("/f", Reply(body=feed("Wire", [H20[0], *OTHER])))
    summary = refresh(db_path)
    assert summary["new_items"] == 2 and summary["alerts"] == 0
    assert alerts_json(db_path) == []
    # a new DeepSeek story: one alert, on the DeepSeek view only
    deepseek = next(a for a in ARTICLES if a.story == "deepseek")
    feed_server.route("/f", Reply(body=feed("Wire", [H20[0], *OTHER, deepseek])))
    assert refresh(db_path)["alerts"] == 1
    (alert,) = alerts_json(db_path)
    assert alert["view"] == "DeepSeek" and alert["item"]["title"] == deepseek.title
    views = {v["name"]: v for v in json.loads(run(db_path, "views", "--json").stdout)}
    assert views["DeepSeek"]["unseen_alerts"] == 1 and views["DeepSeek"]["watched"]
    assert views["H20 exports"]["unseen_alerts"] == 0
    # marking seen: gone from the default list, kept with --all
    assert run(db_path, "alerts", "--seen").exit_code == 0
    assert alerts_json(db_path) == []
    assert [a["seen"] for a in alerts_json(db_path, "--all")] == [True]
    # unwatched: a further match raises nothing
    assert run(db_path, "unwatch", "DeepSeek").exit_code == 0
    second = next(a for a in ARTICLES if a.story == "deepseek" and a.outlet != "Wire")
    feed_server.route("/f", Reply(body=feed("Wire", [H20[0], *OTHER, deepseek, second])))
    assert refresh(db_path)["alerts"] == 0


def _hook_script(tmp_path: Path, body: str) -> list[str]:
    script = tmp_path / "hook.py"
    script.write_text(body, encoding="utf-8")
    return [sys.executable, str(script)]


def _config(tmp_path: Path, argv: list[str], timeout: float = 10) -> None:
    (tmp_path / "config.toml").write_text(
        f"[alerts]\ncommand = {json.dumps(argv)}\ntimeout_s = {timeout}\n", encoding="utf-8"
    )


def test_five_outlets_one_story_one_alert_and_the_hook_gets_json(
    db_path: Path, feed_server: FeedServer, tmp_path: Path
) -> None:
    received = tmp_path / "received"
    received.mkdir()
    argv = _hook_script(
        tmp_path,
        "import sys, uuid, pathlib\n"
        f"pathlib.Path({str(received)!r}, uuid.uuid4().hex).write_bytes(sys.stdin.buffer.read())\n",
    )
    _config(tmp_path, argv)
    outlets = {"Wire": H20[0], "Tech Daily": H20[1], "Asia Markets": H20[2]}
    outlets |= {"Syndicate One": H20[0], "Syndicate Two": H20[1]}  # copies, as syndication
    for n, outlet in enumerate(outlets):
        url = feed_server.route(f"/f{n}", Reply(body=feed(outlet, [])))
        assert run(db_path, "add", url, "--title", outlet).exit_code == 0
    assert run(db_path, "watch", "H20", "Nvidia H20 China").exit_code == 0
    refresh(db_path)
    for n, (outlet, article) in enumerate(outlets.items()):
        feed_server.route(f"/f{n}", Reply(body=feed(outlet, [article])))
    summary = refresh(db_path)
    assert summary["new_items"] == 5
    assert summary["alerts"] == 1
    (alert,) = alerts_json(db_path)
    assert alert["sources"] == 5  # the story is listed with all its outlets
    (payload,) = [json.loads(p.read_text(encoding="utf-8")) for p in received.iterdir()]
    assert payload["view"] == "H20" and payload["id"] == alert["id"]
    assert payload["item"]["title"] in {a.title for a in H20}
    # a sixth outlet later on: the story already alerted
    feed_server.route("/f0", Reply(body=feed("Wire", [H20[0], H20[2]])))
    assert refresh(db_path)["alerts"] == 0


def _failing_setup(
    db_path: Path, feed_server: FeedServer, tmp_path: Path, argv: list[str], timeout: float
) -> dict[str, object]:
    _config(tmp_path, argv, timeout)
    url = feed_server.route("/f", Reply(body=feed("Wire", [])))
    run(db_path, "add", url, "--title", "Wire")
    run(db_path, "watch", "H20", "Nvidia H20")
    refresh(db_path)
    feed_server.route("/f", Reply(body=feed("Wire", [H20[0], *OTHER])))
    return refresh(db_path)


def test_a_failing_hook_changes_nothing_else(
    db_path: Path, feed_server: FeedServer, tmp_path: Path
) -> None:
    argv = _hook_script(tmp_path, "import sys\nsys.stderr.write('no display')\nsys.exit(3)\n")
    summary = _failing_setup(db_path, feed_server, tmp_path, argv, 10)
    assert summary["new_items"] == 3 and summary["alerts"] == 1 and summary["failed"] == 0
    (view,) = json.loads(run(db_path, "views", "--json").stdout)
    assert view["hook_error"] == "exit 3: no display"
    assert len(alerts_json(db_path)) == 1
    with Store.open(db_path) as store:
        wire = store.find_source("Wire")
        assert wire is not None and store.count_items(ItemQuery(source_id=wire.id)) == 3
        assert store.integrity_check() == "ok"


def test_a_hanging_or_missing_hook_changes_nothing_else(
    db_path: Path, feed_server: FeedServer, tmp_path: Path
) -> None:
    pidfile = tmp_path / "pid"
    argv = _hook_script(
        tmp_path,
        f"import os, time, pathlib\npathlib.Path({str(pidfile)!r}).write_text(str(os.getpid()))\n"
        "time.sleep(600)\n",
    )
    summary = _failing_setup(db_path, feed_server, tmp_path, argv, 1)
    assert summary["new_items"] == 3 and summary["alerts"] == 1
    (view,) = json.loads(run(db_path, "views", "--json").stdout)
    assert "timed out after 1 s" in view["hook_error"]
    pid = int(pidfile.read_text())
    try:  # the hook was killed, not left behind
        os.kill(pid, 0)
        alive = Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except ProcessLookupError:
        alive = False
    assert not alive
    # a command that does not exist: said on the view, the refresh is fine
    _config(tmp_path, ["/nonexistent/aigeo-hook"])
    feed_server.route("/f", Reply(body=feed("Wire", [H20[0], *OTHER, H20[1]])))
    deepseek = next(a for a in ARTICLES if a.story == "deepseek")
    run(db_path, "watch", "DS", "DeepSeek")
    feed_server.route("/f", Reply(body=feed("Wire", [H20[0], *OTHER, deepseek])))
    assert refresh(db_path)["alerts"] == 1
    views = {v["name"]: v for v in json.loads(run(db_path, "views", "--json").stdout)}
    assert "cannot run" in views["DS"]["hook_error"]


def test_a_string_command_is_split_never_run_by_a_shell(tmp_path: Path) -> None:
    from tui.feeds.alert_hook import AlertHook

    hook, problems = AlertHook.from_mapping({"command": "notify-send 'aigeo alert' ; rm -rf x"})
    assert hook is not None and not problems
    assert hook.argv == ("notify-send", "aigeo alert", ";", "rm", "-rf", "x")
    none, problems = AlertHook.from_mapping({"command": 3, "timeout_s": -1, "x": 1})
    assert none is None and len(problems) == 3


def test_poll_alerts_and_runs_the_hook(
    db_path: Path, feed_server: FeedServer, tmp_path: Path
) -> None:
    import contextlib
    import queue
    import signal
    import subprocess
    import threading
    import time

    received = tmp_path / "received.json"
    argv = _hook_script(
        tmp_path,
        "import sys, pathlib\n"
        f"pathlib.Path({str(received)!r}).write_bytes(sys.stdin.buffer.read())\n",
    )
    _config(tmp_path, argv)
    url = feed_server.route("/f", Reply(body=feed("Wire", [H20[0]])))
    run(db_path, "add", url, "--title", "Wire")
    run(db_path, "watch", "H20", "Nvidia H20")
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "--db", str(db_path), "poll", "--max-sleep", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    stdout = proc.stdout
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(x) for x in stdout], daemon=True)
    reader.start()
    out = ""
    try:
        # the round's line is printed once its alerts (and so the hook) have run: stop
        # after it, not when the hook's file appears (a SIGTERM between the two stops the
        # round before it reports)
        deadline = time.monotonic() + 60
        while "alerts" not in out and time.monotonic() < deadline:
            with contextlib.suppress(queue.Empty):
                out += lines.get(timeout=0.2)
        proc.send_signal(signal.SIGTERM)
        err = proc.stderr.read() if proc.stderr is not None else ""
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    reader.join(timeout=10)
    while not lines.empty():
        out += lines.get()
    assert received.exists(), err
    assert json.loads(received.read_text(encoding="utf-8"))["view"] == "H20"
    assert "1 new, 1 alerts" in out, (out, err)
    assert len(alerts_json(db_path)) == 1


def test_a_refresh_killed_before_its_story_pass_alerts_on_the_next_one(
    db_path: Path, feed_server: FeedServer
) -> None:
    """kill -9 (a cron timeout) after a match was stored but before the end-of-refresh
    story pass: the alert is not lost, the next refresh raises it, once."""
    import signal
    import subprocess
    import time

    fast = feed_server.route("/fast", Reply(body=feed("Wire", [H20[0]])))
    slow = feed_server.route("/slow", Reply(body=feed("Slow", OTHER), delay=60))
    for url in (fast, slow):
        assert run(db_path, "add", "--no-fetch", url).exit_code == 0
    assert run(db_path, "watch", "H20", "Nvidia H20").exit_code == 0
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "--db", str(db_path), "refresh", "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        stored = 0
        while time.monotonic() < deadline and not stored:
            time.sleep(0.1)
            with Store.open(db_path) as store:
                stored = store.count_items(ItemQuery(search="H20"))
        assert stored == 1, "the fast feed was never stored"
        assert proc.poll() is None, "the refresh ended before the slow feed answered"
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert alerts_json(db_path) == []  # the killed refresh raised nothing
    feed_server.route("/slow", Reply(body=feed("Slow", OTHER)))
    summary = refresh(db_path)
    assert summary["alerts"] == 1, summary
    (alert,) = alerts_json(db_path)
    assert alert["view"] == "H20" and alert["item"]["title"] == H20[0].title
    assert refresh(db_path)["alerts"] == 0  # once
