"""Shared fixtures: a temporary database and a local feed server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from feedserver import FeedServer

import tui.parsework

# Parse workers re-run the main script, here pytest's: preload pytest in the fork server
# so each test's new pool starts in milliseconds (see FORKSERVER_PRELOAD).
tui.parsework.FORKSERVER_PRELOAD.append("pytest")

PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests talk to 127.0.0.1 only: never through a proxy from the environment."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A path for a fresh aigeo database."""
    return tmp_path / "aigeo.db"


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    """A running FeedServer, stopped after the test."""
    server = FeedServer()
    try:
        yield server
    finally:
        server.close()
