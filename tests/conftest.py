"""Shared fixtures: a temporary database file and a store opened on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.store import Store

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh database path; AIGEO_DB points at it so nothing touches the user's data."""
    path = tmp_path / "aigeo.db"
    monkeypatch.setenv("AIGEO_DB", str(path))
    monkeypatch.setenv("AIGEO_CONFIG", str(tmp_path / "config.toml"))
    return path


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    """An open store on a fresh file."""
    with Store.open(db_path) as opened:
        yield opened
