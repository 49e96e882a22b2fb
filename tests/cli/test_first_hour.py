"""A new user's first hour: doctor/paths, --db typos, no terminal, keymap conflicts, old data."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from tests.support.pilot import raised
from tests.support.uihelpers import until
from tui.cli.group import main
from tui.config import Settings
from tui.ui.app import make_app
from tui.ui.screens.trends import TrendsScreen

ROOT = Path(__file__).resolve().parents[2]


def test_doctor_shows_the_paths_and_says_the_config_is_fine(db_path: Path) -> None:
    result = CliRunner().invoke(main, ["--db", str(db_path), "doctor"])
    assert result.exit_code == 0, result.output
    assert str(db_path) in result.stdout and "config" in result.stdout
    same = CliRunner().invoke(main, ["--db", str(db_path), "paths"])
    assert same.exit_code == 0 and same.stdout == result.stdout


def test_doctor_names_unknown_ids_bad_keys_and_conflicts(db_path: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"  # AIGEO_CONFIG points here (the db_path fixture)
    config.write_text(
        '[keys]\nstar = "q"\nstarr = "S"\nnext_unread = "N"\n[ui]\nthem = "x"\n[colours]\na = 1\n'
    )
    result = CliRunner().invoke(main, ["--db", str(db_path), "doctor"])
    assert result.exit_code == 1
    err = result.stderr
    assert '[keys] star = "q": q is already "Quit"' in err
    assert "[keys] starr: no such action" in err
    assert "[ui] them: unknown key" in err and "[colours]: unknown section" in err
    assert "next_unread =" not in err and err.count("\n") == 4  # a good remapping is fine


def test_doctor_checks_macros_and_alerts_and_knows_their_sections(
    db_path: Path, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[macros]\nr = ["read", "next_unread"]\nx = ["raed"]\n'
        '[alerts]\ncommand = ["true"]\ntimeout_s = 0\n'
    )
    result = CliRunner().invoke(main, ["--db", str(db_path), "doctor"])
    assert result.exit_code == 1
    err = result.stderr
    assert "[macros] x: no such action 'raed'" in err
    assert "alerts.timeout_s: expected a number" in err
    assert "unknown section" not in err and err.count("\n") == 2
    config.write_text('[macros]\nr = ["read", "next_unread"]\n[alerts]\ncommand = "true"\n')
    assert CliRunner().invoke(main, ["--db", str(db_path), "doctor"]).exit_code == 0


def test_a_db_in_a_missing_folder_is_an_error_not_a_new_database(tmp_path: Path) -> None:
    typo = tmp_path / "dtaa" / "aigeo.db"
    result = CliRunner().invoke(main, ["--db", str(typo), "items"])
    assert result.exit_code == 1 and "does not exist" in result.stderr
    assert not typo.parent.exists()


def test_the_dashboard_refuses_to_start_without_a_terminal(db_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tui", "--db", str(db_path)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 1
    assert b"needs a terminal" in done.stderr and b"Traceback" not in done.stderr


async def test_a_keymap_entry_that_would_take_quit_is_refused_and_said(seeded: Path) -> None:
    settings = Settings(keys={"star": "q", "next_unread": "N"})
    app = make_app(seeded, settings=settings, clock=lambda: datetime(2025, 8, 1, tzinfo=UTC))
    async with app.run_test(size=(160, 48)) as pilot:
        messages = [n.message for n in raised(app)]
        assert any('star = "q"' in m and "Quit" in m for m in messages)
        await pilot.press("N")  # the good entry is applied
        assert app.query_one("ItemList").cursor > 0  # type: ignore[attr-defined]
        await pilot.press("q")
        await until(pilot, lambda: not app.is_running)


async def test_trends_on_old_data_are_anchored_to_the_newest_item(seeded: Path) -> None:
    app = make_app(seeded, clock=lambda: datetime(2027, 1, 1, tzinfo=UTC))  # data ≥ a year old
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("f2")
        assert isinstance(app.screen, TrendsScreen)
        report = app.screen.report
        assert str(report.as_of) < "2026-12-25"  # not the empty last week of 2026
        assert any(sum(t.weekly) for t in report.themes)  # something to see
        assert any("older than a week" in n.message for n in raised(app))


async def test_an_undated_item_just_fetched_does_not_pin_the_windows_to_today(
    seeded: Path,
) -> None:
    """An undated entry sorts at its fetch time: it must not make an old corpus look
    current (the trends then showed twelve empty weeks)."""
    from tui.model import Classification, NewItem
    from tui.store import Store

    now = datetime(2027, 1, 1, tzinfo=UTC)
    with Store.open(seeded) as store:
        source_id, _ = store.add_source("http://127.0.0.1:9/old.xml", "Old feed")
        undated = NewItem(guid="u1", title="An undated entry", sort_at=now.isoformat())
        store.save_items(source_id, [(undated, Classification())])
    app = make_app(seeded, clock=lambda: now)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("f2")
        assert isinstance(app.screen, TrendsScreen)
        report = app.screen.report
        assert str(report.as_of) < "2026-12-25"
        assert any(sum(t.weekly) for t in report.themes)


def test_the_commands_reports_on_the_seed_corpus_show_it_and_say_why(seeded: Path) -> None:
    """`aigeo trends`, `brief` and `stories` on data older than their window end at the
    newest item (as the dashboard does), say so on stderr, and keep --at's meaning;
    trends span the dashboard's twelve weeks."""
    runner = CliRunner()
    trends = runner.invoke(main, ["--db", str(seeded), "trends"])
    assert trends.exit_code == 0, trends.output
    assert "as of the newest, 2025-" in trends.stderr
    assert "12 weeks from 2025-" in trends.stdout and "Trends as of 2025-" in trends.stdout
    brief = runner.invoke(main, ["--db", str(seeded), "brief"])
    assert brief.exit_code == 0 and "No stories in this period" not in brief.stdout
    stories = runner.invoke(main, ["--db", str(seeded), "stories", "--json"])
    assert stories.exit_code == 0 and '"story_id"' in stories.stdout
    chosen = runner.invoke(main, ["--db", str(seeded), "trends", "--at", "2026-11-30"])
    assert "Trends as of 2026-11-30" in chosen.stdout and "newest" not in chosen.stderr
