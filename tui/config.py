"""Paths and settings: where the database and the seed corpus live, env overrides."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
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


SETTINGS_FILENAME = "config.toml"


def settings_path() -> Path:
    """The settings file: `$AIGEO_CONFIG`, else config.toml in the user config dir."""
    env = os.environ.get("AIGEO_CONFIG")
    return Path(env).expanduser() if env else default_config_dir() / SETTINGS_FILENAME


@dataclass(slots=True)
class Settings:
    """User settings from config.toml; unknown keys are kept and reported, never fatal."""

    ui_theme: str = "textual-dark"
    auto_refresh_minutes: int = 0  # 0 = off: nothing is fetched unless the user asks
    keys: dict[str, str] = field(default_factory=dict)  # action → key(s), e.g. {"star": "S"}
    macros: dict[str, object] = field(default_factory=dict)  # [macros] key → action ids
    poll: dict[str, object] = field(default_factory=dict)  # the [poll] table (PollSettings)
    alerts: dict[str, object] = field(default_factory=dict)  # [alerts] (tui.alert_hook)
    article_allow_private: bool = False  # [article] allow_private: fetch intranet pages too
    problems: list[str] = field(default_factory=list)


def load_settings(path: Path | None = None) -> Settings:
    """Read settings; a missing file gives defaults, a broken one defaults plus a problem."""
    path = path or settings_path()
    settings = Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return settings
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        settings.problems.append(f"{path}: {exc}; using defaults")
        return settings
    ui = data.get("ui", {})
    if isinstance(ui.get("theme"), str):
        settings.ui_theme = ui["theme"]
    minutes = data.get("refresh", {}).get("auto_minutes", 0)
    if isinstance(minutes, int) and minutes >= 0:
        settings.auto_refresh_minutes = minutes
    else:
        settings.problems.append(f"{path}: refresh.auto_minutes must be a whole number >= 0")
    poll = data.get("poll", {})
    if isinstance(poll, dict):
        settings.poll = poll
    alerts = data.get("alerts", {})
    if isinstance(alerts, dict):
        settings.alerts = alerts
    article = data.get("article", {})
    allow_private = article.get("allow_private", False) if isinstance(article, dict) else False
    if isinstance(allow_private, bool):
        settings.article_allow_private = allow_private
    else:
        settings.problems.append(f"{path}: article.allow_private must be true or false")
    keys = data.get("keys", {})
    if isinstance(keys, dict):
        settings.keys = {str(k): str(v) for k, v in keys.items() if isinstance(v, str)}
    macros = data.get("macros", {})
    if isinstance(macros, dict):
        settings.macros = {str(k): v for k, v in macros.items()}
    else:
        settings.problems.append(f"{path}: [macros] must be a table of key = [action ids]")
    return settings


def save_setting(section: str, key: str, value: str | int, path: Path | None = None) -> None:
    """Set one `[section] key = value` in config.toml, keeping every other line as it is."""
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    rendered = f"{key} = {_toml_value(value)}"
    current = None
    insert_at = None
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            if current == section and insert_at is None:
                insert_at = index
            current = stripped[1:-1].strip()
        elif current == section and stripped.split("=", 1)[0].strip() == key:
            lines[index] = rendered
            break
    else:
        if current == section and insert_at is None:
            lines.append(rendered)
        elif insert_at is not None:
            lines.insert(insert_at, rendered)
        else:
            lines += ([""] if lines else []) + [f"[{section}]", rendered]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _toml_value(value: str | int) -> str:
    if isinstance(value, int):
        return str(value)
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
