"""The daily loop in a real pseudo-terminal: Trends, Learned, help, the palette, n/J/Space.

A real `aigeo` process (the command line, the seed corpus, a 100x32 pty), driven by
keystrokes; every step waits for what the screen must show (generous timeouts).
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.hardening.test_harden_terminal import cli_env
from tests.support.ptyterm import PtyProgram

ROOT = Path(__file__).resolve().parents[2]


def test_walk_trends_learned_help_palette_and_the_reading_loop(tmp_path: Path) -> None:
    db = tmp_path / "aigeo.db"
    app = PtyProgram(
        [sys.executable, "-m", "tui", "--db", str(db)],
        env=cli_env(tmp_path, db),
        cwd=ROOT,
        columns=100,
        rows=32,
    )
    try:
        assert app.wait_for("Seed corpus", timeout=60), app.screen_text()
        # A new database always gets the first-run offer of default feeds, a frame or
        # more after the panels: wait for it (a short wait let a loaded machine's late
        # dialog take the keys meant for the dashboard, Enter accepting the offer).
        assert app.wait_for("Add the default", timeout=60), app.screen_text()
        app.press("n", pause=0.6)  # no
        app.press("\x1bOQ", pause=1.0)  # F2: Trends
        assert app.wait_for("Trends as of"), app.screen_text()
        app.press("s", "m", pause=0.6)  # the dashboard's keys do nothing here
        assert not app.wait_for("Starred", timeout=2) and not app.find("Marked 1")
        assert app.alive()
        app.press("\x1b", pause=0.8)
        app.press("?", pause=0.8)  # help: every screen's keys
        assert app.wait_for("Everywhere"), app.screen_text()
        assert app.find("Next unread") and app.find("Dashboard"), app.screen_text()
        app.press("\x1b", pause=0.8)
        app.press("L", pause=1.0)  # what aigeo learned (no decisions yet)
        assert app.wait_for("theme decisions", timeout=30), app.screen_text()
        app.press("\x1b", pause=0.8)
        app.press("\x10", pause=1.0)  # Ctrl+P: the palette
        assert app.wait_for("Search for commands", timeout=15), app.screen_text()
        app.send("Trends", pause=0.8)
        assert app.wait_for("Rising themes"), app.screen_text()
        app.press("\x1b", pause=0.8)
        app.press("n", pause=0.6)  # the reading loop: next unread, open, next, page
        app.press("\r", pause=0.8)
        app.press("J", pause=0.8)
        app.press(" ", pause=0.6)
        assert app.alive(), app.screen_text()
        app.press("q", pause=0.5)
        assert app.wait(30) == 0
    finally:
        app.close()


def test_searches_typed_in_one_burst_each_land_whole_in_the_box(tmp_path: Path) -> None:
    """`/open⏎/chips` in one terminal read (a fast typist, a paste): Enter leaves the box
    before `/chips` is handed on, so the second search is `chips`, not `open/chips` or
    `openchips` (both seen in tmux); a `/` inside a query is still typed."""
    db = tmp_path / "aigeo.db"
    app = PtyProgram(
        [sys.executable, "-m", "tui", "--db", str(db)],
        env=cli_env(tmp_path, db),
        cwd=ROOT,
        columns=120,
        rows=32,
    )
    try:
        assert app.wait_for("Seed corpus", timeout=60), app.screen_text()
        assert app.wait_for("Add the default", timeout=60), app.screen_text()
        app.press("n", pause=0.6)  # the first-run offer (see the walk above): no
        app.send("/open\r/chips", pause=0.5)
        assert app.wait_for('search: "chips"'), app.screen_text()
        assert not app.find("open/chips") and not app.find("openchips"), app.screen_text()
        app.send("\r/a/b", pause=0.5)
        assert app.wait_for('search: "a/b"'), app.screen_text()
        app.press("\x1b", pause=0.6)
        app.press("q", pause=0.5)
        assert app.wait(30) == 0
    finally:
        app.close()
