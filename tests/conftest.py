"""Shared fixtures: a temporary database, a store on it, and a local feed server.

Under pytest-xdist (`-n 4` in pyproject's addopts) every test gets its own temporary
directory and its own XDG directories, servers bind 127.0.0.1:0, and parse pools are per
process: nothing is shared between workers.

`--long` runs the hardening suite's long mode: more kill -9 rounds, more fuzzing
examples, longer concurrent-writer runs (CI runs the default, short mode).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

import tui.feeds.workers
from tests.support.feedserver import FeedServer
from tests.support.pilot import record_notifications
from tui.store import Store

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")

# Parse workers re-run the main script, here pytest's: preload pytest in the fork server
# so each test's new pool starts in milliseconds (see FORKSERVER_PRELOAD).
tui.feeds.workers.FORKSERVER_PRELOAD.append("pytest")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--long",
        action="store_true",
        default=False,
        help="hardening suite: many more iterations (kill -9 rounds, fuzz examples)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: a hardening case that takes seconds (runs in CI; --long runs more)"
    )
    if config.getoption("--long"):  # property tests without their own max_examples
        settings.register_profile("long", max_examples=2_000, deadline=None)
        settings.load_profile("long")


@pytest.fixture(scope="session")
def long_mode(request: pytest.FixtureRequest) -> bool:
    """True under `pytest --long`."""
    return bool(request.config.getoption("--long"))


@pytest.fixture(autouse=True, scope="session")
def shared_lexicon_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One compiled-lexicon cache for the session (tui.themes.disk_cache), inherited by
    the aigeo processes tests start: each test has its own cache dir otherwise, and
    every one of them would compile the lexicon and write it again."""
    import os

    from tui.themes.disk_cache import CACHE_ENV

    before = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(tmp_path_factory.getbasetemp() / "lexicon-cache")
    yield
    if before is None:
        os.environ.pop(CACHE_ENV, None)
    else:
        os.environ[CACHE_ENV] = before


@pytest.fixture(autouse=True, scope="session")
def every_toast_kept() -> Iterator[None]:
    """Apps keep each toast they raised, expired or not (tests.support.pilot.raised)."""
    undo = record_notifications()
    yield
    undo()


@pytest.fixture(autouse=True)
def no_poisoned_files_left() -> Iterator[None]:
    """A file one test poisons (tui.dbfile: found damaged, writes refused) or holds for a
    check stays so for the whole process, keyed by (st_dev, st_ino); a later test's new
    database can get the same inode once the first file is deleted, and then every write
    of it was refused (a saved view "lost" in tests/ui/test_ui_search.py)."""
    from tui import dbfile

    poisoned, held = dict(dbfile._poisoned), dict(dbfile._held)
    yield
    dbfile._poisoned.clear()
    dbfile._poisoned.update(poisoned)
    dbfile._held.clear()
    dbfile._held.update(held)


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests talk to 127.0.0.1 only: never through a proxy from the environment."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture(autouse=True)
def private_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test has its own data, config, state and cache directories (platformdirs reads
    the XDG variables): parallel workers never share a database or a config by default."""
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / "xdg" / name.lower()))


@pytest.fixture(autouse=True)
def no_user_lexicon_overlay(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The user's themes.local.toml (and learned model) never leak into a test."""
    monkeypatch.setenv("AIGEO_THEMES_LOCAL", str(tmp_path / "themes.local.toml"))
    monkeypatch.setenv("AIGEO_THEMES_MODEL", str(tmp_path / "themes.model.json"))


@pytest.fixture
def sanitiser_inputs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The length of every document handed to nh3 while the test runs (`nh3.clean` and
    the cleaners of tui.text).

    Tests of the size caps assert on this (the work the sanitiser was given) instead of
    on wall time: a cap that stops the work shows here on any machine, however loaded.
    """
    import nh3

    import tui.text

    lengths: list[int] = []
    clean = nh3.clean

    def spy(html: str, *args: Any, **kwargs: Any) -> str:
        lengths.append(len(html))
        return clean(html, *args, **kwargs)

    class Spied:
        """One of tui.text's nh3 Cleaners, recording what it is given."""

        def __init__(self, cleaner: Any) -> None:
            self.cleaner = cleaner

        def clean(self, html: str) -> str:
            lengths.append(len(html))
            return str(self.cleaner.clean(html))

    class SpiedCleaners:
        """The thread's cleaners behind spies; `base` is the real one's."""

        def __init__(self, real: Any) -> None:
            self.real, self.feed, self.skeleton = real, Spied(real.feed), Spied(real.skeleton)

        @property
        def base(self) -> str | None:
            return self.real.base  # type: ignore[no-any-return]

        @base.setter
        def base(self, value: str | None) -> None:
            self.real.base = value

    cleaners = SpiedCleaners(tui.text._cleaner())
    monkeypatch.setattr(nh3, "clean", spy)
    monkeypatch.setattr(tui.text, "_cleaner", lambda: cleaners)
    return lengths


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


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    """A running FeedServer on 127.0.0.1, stopped after the test."""
    server = FeedServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def seeded(db_path: Path) -> Path:
    """The database path with the seed corpus loaded."""
    from tui.ingest import load_seed_corpus

    with Store.open(db_path) as opened:
        load_seed_corpus(opened)
    return db_path
