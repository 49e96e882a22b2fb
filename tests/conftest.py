"""Shared fixtures: a temporary database and a local feed server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from feedserver import FeedServer


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
