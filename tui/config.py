"""Paths and settings: where the database and the seed corpus live, env overrides."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "aigeo"
DB_ENV = "AIGEO_DB"
DB_FILENAME = "aigeo.db"


def default_data_dir() -> Path:
    """The per-user data directory (e.g. ~/.local/share/aigeo on Linux)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_config_dir() -> Path:
    """The per-user config directory (e.g. ~/.config/aigeo on Linux)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def resolve_db_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The database path: `--db` wins, then `$AIGEO_DB`, then the user data dir."""
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    return default_data_dir() / DB_FILENAME


def seeds_dir() -> Path:
    """The shipped seed directory: inside an installed wheel, else the source tree's `seeds/`."""
    here = Path(__file__).resolve().parent
    packaged = here / "_seeds"
    if packaged.is_dir():
        return packaged
    return here.parent / "seeds"
