"""`aigeo backup PATH`: a consistent copy of the database, taken while others write.

SQLite's online backup API (sqlite3.Connection.backup) copies page by page under
SQLite's own locks, so the dashboard and a cron refresh can go on writing; copying
the file with `cp` can catch a half-written WAL. The copy is written to a temporary
file beside PATH and renamed into place only once complete and checked, so PATH is
either a whole, sound database or untouched.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from pathlib import Path

import click

from tui.cli.context import Context, open_store, pass_ctx
from tui.dbfile import is_database_family


def backup_database(source: sqlite3.Connection, target: Path) -> None:
    """Copy the database behind `source` to `target` (atomically: temp file, rename)."""
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        copy = sqlite3.connect(tmp)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            verdict = copy.execute("PRAGMA quick_check(1)").fetchone()[0]
        finally:
            copy.close()
        if verdict != "ok":
            raise click.ClickException(f"the copy failed SQLite's check ({verdict}); not kept")
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@click.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@pass_ctx
def backup(context: Context, path: str, force: bool) -> None:
    """Copy the database to PATH safely, even while the dashboard or a refresh writes."""
    target = Path(path)
    if is_database_family(context.db_path, target):
        raise click.ClickException(f"{path} is the database itself; choose another file")
    if target.exists() and not force:
        raise click.ClickException(f"{path} exists; use --force to replace it")
    with open_store(context, check=True) as store:
        try:
            backup_database(store.conn, target)
        except OSError as exc:
            raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from exc
    click.echo(f"backed up {context.db_path} to {path}", err=True)


COMMANDS = (backup,)
