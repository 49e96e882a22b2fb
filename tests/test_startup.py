"""Start-up without the cyclic collector (tui.startup): paused by the entry point, resumed
(with everything alive frozen) after the dashboard's first frame or once a command's
modules are loaded; a process that never paused is left alone."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui import startup
from tui.cli.group import main as cli
from tui.ui.app import make_app


@pytest.fixture(autouse=True)
def collector_as_it_was() -> Iterator[None]:
    """Each test leaves the collector on, unfrozen and unpaused, as the suite expects."""
    yield
    startup._Pause.active = False
    gc.unfreeze()
    gc.enable()


def test_resume_freezes_what_start_up_made_and_collects_again() -> None:
    startup.pause_collector()
    assert not gc.isenabled() and startup.collector_paused()
    made_at_start_up = [object() for _ in range(10)]
    startup.resume_collector()
    assert gc.isenabled() and not startup.collector_paused()
    assert gc.get_freeze_count() >= len(made_at_start_up)
    startup.resume_collector()  # a second call changes nothing
    assert gc.isenabled()


def test_a_collector_someone_else_turned_off_stays_off() -> None:
    gc.disable()
    startup.pause_collector()
    startup.resume_collector()
    assert not gc.isenabled()
    assert gc.get_freeze_count() == 0


async def test_the_dashboard_resumes_the_collector_after_its_first_frame(seeded: Path) -> None:
    startup.pause_collector()
    app = make_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert gc.isenabled()
        assert not startup.collector_paused()


def test_a_command_resumes_the_collector_before_it_runs(seeded: Path) -> None:
    startup.pause_collector()
    result = CliRunner().invoke(cli, ["--db", str(seeded), "items", "--limit", "1"])
    assert result.exit_code == 0, result.output
    assert gc.isenabled()


def test_the_aigeo_script_loads_the_command_line_with_the_collector_paused() -> None:
    """click, the store and Textual are imported after the pause (what it is for); the
    probe notes the collector's state when `click` is first looked for."""
    probe = (
        "import gc, sys\n"
        "seen = []\n"
        "class Note:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name in ('click', 'tui.store', 'tui.cli.group'):\n"
        "            seen.append((name, gc.isenabled()))\n"
        "sys.meta_path.insert(0, Note())\n"
        "sys.argv = ['aigeo', '--help']\n"
        "from tui.entry import run\n"
        "try:\n"
        "    run()\n"
        "finally:\n"
        "    print(sorted(seen), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == str(
        [("click", False), ("tui.cli.group", False), ("tui.store", False)]
    )


def test_refresh_ends_the_pause_itself(db_path: Path) -> None:
    """The group leaves the pause to refresh (RESUME_AFTER_OWN_IMPORTS), which ends it
    once httpx and the poller are loaded, whatever it then finds to do."""
    startup.pause_collector()
    result = CliRunner().invoke(cli, ["--db", str(db_path), "refresh"])
    assert result.exit_code == 0, result.output
    assert "no feeds yet" in result.output
    assert gc.isenabled() and not startup.collector_paused()


#: Modules the dashboard needs only after its first frame (reading an item, refreshing,
#: watches, the HTML side of text handling). Importing any of them before the first frame
#: is start-up time every launch pays for nothing (issue 14: first frame ≤ 1.5× hello).
NOT_BEFORE_FIRST_FRAME = (
    "nh3",
    "httpx",
    "feedparser",
    "markdownify",
    "trafilatura",
    "tui.text",
    "tui.item_body",
    "tui.analysis.watch",
    "tui.feeds.refresh_types",
)


def test_the_first_frame_imports_only_what_it_draws(seeded: Path, tmp_path: Path) -> None:
    """The real command line, headless, through the bench probe; the modules loaded are
    noted when the first frame is handed to the display."""
    out = tmp_path / "first.json"
    noted = tmp_path / "modules.txt"
    script = (
        "import sys\n"
        "from textual.app import App\n"
        "original = App._display\n"
        "def _display(app, screen, renderable):\n"
        f"    if renderable is not None and not __import__('os').path.exists({str(noted)!r}):\n"
        f"        open({str(noted)!r}, 'w').write('\\n'.join(sorted(sys.modules)))\n"
        "    original(app, screen, renderable)\n"
        "App._display = _display\n"
        "from tests.bench.probe import main\n"
        f"sys.argv = ['probe', 'aigeo', '--db', {str(seeded)!r}, '--t0', '0',"
        f" '--out', {str(out)!r}]\n"
        "main()\n"
    )
    root = Path(__file__).resolve().parents[1]
    subprocess.run(
        [sys.executable, "-c", script], cwd=root, check=True, capture_output=True, timeout=120
    )
    loaded = set(noted.read_text().split())
    assert "tui.ui.app" in loaded  # the note was taken inside the dashboard
    early = sorted(name for name in NOT_BEFORE_FIRST_FRAME if name in loaded)
    assert early == [], f"imported before the first frame: {early}"
