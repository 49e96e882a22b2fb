"""`aigeo doctor` (also `aigeo paths`): where everything is, and whether the config is sound.

It prints the resolved database, config and data paths (and where each came from), then
checks config.toml: TOML syntax, unknown sections and keys, bad values, and `[keys]`
entries that name no action or would take another action's key (e.g. `star = "q"`).
Exit status 0 when all is well, 1 when it found a problem.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import click

from tui.cli.context import Context, pass_ctx
from tui.config import DB_ENV, default_config_dir, default_data_dir, seeds_dir, settings_path

KNOWN = {
    "ui": {"theme"},
    "refresh": {"auto_minutes"},
    "poll": None,  # checked by PollSettings
    "keys": None,  # checked against the bindings
    "article": None,  # the full-article fetcher's own table
    "alerts": None,  # checked by AlertHook
    "macros": None,  # checked against the bindings
}


def _origin(path: Path, env: str, flag: str | None = None) -> str:
    if flag:
        return flag
    return f"${env}" if os.environ.get(env) else "default"


def config_problems(path: Path) -> list[str]:
    """Every problem with the config file (none when it does not exist)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return [f"{path}: {exc}"]
    problems = []
    for section, value in data.items():
        if section not in KNOWN:
            problems.append(f"[{section}]: unknown section (known: {', '.join(sorted(KNOWN))})")
            continue
        allowed = KNOWN[section]
        if not isinstance(value, dict):
            problems.append(f"{section}: should be a [{section}] table")
            continue
        for key in value:
            if allowed is not None and key not in allowed:
                problems.append(f"[{section}] {key}: unknown key (known: {', '.join(allowed)})")
    from tui.config import load_settings

    settings = load_settings(path)
    problems += settings.problems
    from tui.feeds.refresh_types import PollSettings

    problems += [f"[poll] {p}" for p in PollSettings.from_mapping(settings.poll)[1]]
    if isinstance(data.get("keys"), dict):
        from tui.ui.keys import checked_keymap

        problems += checked_keymap({str(k): str(v) for k, v in data["keys"].items()})[1]
    if isinstance(data.get("alerts"), dict):
        from tui.feeds.alert_hook import AlertHook

        problems += AlertHook.from_mapping(data["alerts"])[1]
    if isinstance(data.get("macros"), dict):
        from tui.ui.keys import binding_ids
        from tui.ui.macros import checked_macros

        problems += checked_macros(data["macros"], binding_ids())[1]
    return problems


@click.command()
@pass_ctx
def doctor(context: Context) -> None:
    """Show the database, config and data paths, and check config.toml."""
    config = settings_path()
    db_flag = None if context.db_path == Path(os.environ.get(DB_ENV, "-")) else "--db"
    if not os.environ.get(DB_ENV) and context.db_path == default_data_dir() / "aigeo.db":
        db_flag = None
    from tui.themes.disk_cache import CACHE_ENV, cache_dir

    lexicon_cache = cache_dir()  # compiled lexicons (tui.themes.disk_cache): safe to delete
    rows = [
        ("database", context.db_path, _origin(context.db_path, DB_ENV, db_flag)),
        ("config", config, _origin(config, "AIGEO_CONFIG")),
        ("data dir", default_data_dir(), "default"),
        ("config dir", default_config_dir(), "default"),
        ("seeds", seeds_dir(), "shipped"),
        ("lexicon cache", lexicon_cache, _origin(lexicon_cache, CACHE_ENV)),
    ]
    for name, path, origin in rows:
        state = "exists" if path.exists() else "not created yet"
        click.echo(f"{name:<13} {path}  ({origin}; {state})")
    problems = config_problems(config)
    if not problems:
        click.echo("config: ok" if config.exists() else "config: none (defaults)")
        return
    for problem in problems:
        click.echo(f"config problem: {problem}", err=True)
    raise SystemExit(1)


paths = click.Command("paths", callback=doctor.callback, params=doctor.params, help=doctor.help)
COMMANDS = (doctor, paths)
