"""Paths and settings: env overrides, tolerant loading, line-preserving saves."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.config import load_settings, resolve_db_path, save_setting


def test_db_path_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AIGEO_DB", str(tmp_path / "env.db"))
    assert resolve_db_path(tmp_path / "cli.db") == tmp_path / "cli.db"
    assert resolve_db_path(None) == tmp_path / "env.db"
    monkeypatch.delenv("AIGEO_DB")
    assert resolve_db_path(None).name == "aigeo.db"


def test_missing_settings_file_gives_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "none.toml")
    assert settings.ui_theme == "textual-dark" and settings.auto_refresh_minutes == 0
    assert settings.problems == []


def test_broken_settings_file_gives_defaults_and_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[ui\ntheme = ", encoding="utf-8")
    settings = load_settings(path)
    assert settings.ui_theme == "textual-dark"
    assert settings.problems and str(path) in settings.problems[0]


def test_save_setting_keeps_other_lines(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('# mine\n[keys]\nstar = "S"\n\n[refresh]\nauto_minutes = 5\n', "utf-8")
    save_setting("ui", "theme", "nord", path)
    save_setting("refresh", "auto_minutes", 15, path)
    save_setting("keys", "tag", 'T"', path)
    text = path.read_text("utf-8")
    assert text.startswith("# mine\n")
    settings = load_settings(path)
    assert settings.ui_theme == "nord" and settings.auto_refresh_minutes == 15
    assert settings.keys == {"star": "S", "tag": 'T"'}
    save_setting("ui", "theme", "gruvbox", path)
    assert load_settings(path).ui_theme == "gruvbox"
    assert path.read_text("utf-8").count("theme =") == 1


def test_poll_table_reaches_poll_settings(tmp_path: Path) -> None:
    from tui.feeds.poller import PollSettings

    path = tmp_path / "config.toml"
    path.write_text("[poll]\nconcurrency = 4\ndeadline_s = 12.5\nbogus = 1\n", "utf-8")
    poll, problems = PollSettings.from_mapping(load_settings(path).poll)
    assert (poll.concurrency, poll.deadline_s) == (4, 12.5)
    assert problems and "bogus" in problems[0]
