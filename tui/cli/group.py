"""The `aigeo` command group: launches the dashboard without a subcommand, and holds
every command family's commands (registered below; the families never import this).

Every listing command takes `--json` and then prints exactly one JSON document.
Nothing here imports Textual unless the dashboard is launched.
"""

from __future__ import annotations

import importlib
import os
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tui.cli.context import Context, finalizing_skippable, forget_finalizing_request
from tui.config import load_settings
from tui.startup import resume_collector
from tui.store import describe_database_error

if TYPE_CHECKING:
    from tui.store.check import DatabaseCheck

#: Every command and the family module (tui.cli.<module>) that defines it. A family is
#: imported when one of its commands is looked up, so `aigeo refresh` loads only
#: tui.cli.feeds (~15-30 ms less at start-up than importing all seven; the dashboard
#: loads none). tests/cli/test_cli.py checks this against every family's COMMANDS.
COMMAND_MODULES: dict[str, str] = {
    **dict.fromkeys(("items", "fetch-article"), "items"),
    **dict.fromkeys(("themes", "classify", "retheme", "learned"), "themes"),
    **dict.fromkeys(("add", "remove", "sources", "import", "export", "refresh", "poll"), "feeds"),
    **dict.fromkeys(("trends", "brief", "stories"), "analysis"),
    **dict.fromkeys(("watch", "unwatch", "views", "alerts", "note", "notes"), "watch"),
    **dict.fromkeys(("doctor", "paths"), "doctor"),
    "backup": "backup",
}
FAMILIES = tuple(dict.fromkeys(COMMAND_MODULES.values()))


class AigeoGroup(click.Group):
    """The command group: an SQLite error in any command (a page damaged after the file
    opened fine, a lock held past the busy timeout) is one clear line, not a traceback.
    Command families load on first use (COMMAND_MODULES)."""

    def load_family(self, module: str) -> None:
        """Import tui.cli.<module> and register its commands."""
        family = importlib.import_module(f"tui.cli.{module}")
        for command in family.COMMANDS:
            if command.name not in self.commands:
                self.add_command(command)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMAND_MODULES))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            self.load_family(COMMAND_MODULES[cmd_name])
        return self.commands.get(cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except sqlite3.DatabaseError as exc:
            path = ctx.obj.db_path if isinstance(ctx.obj, Context) else None
            raise click.ClickException(describe_database_error(path, exc)) from exc


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """--version (the installed version is looked up only when asked for)."""
    if not value or ctx.resilient_parsing:
        return
    from tui import __version__

    click.echo(f"aigeo, version {__version__}")
    ctx.exit()


@click.group(
    cls=AigeoGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--db",
    "db",
    metavar="PATH",
    envvar=None,
    help="Database file (default: $AIGEO_DB, else the user data dir).",
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
@click.pass_context
def main(ctx: click.Context, db: str | None) -> None:
    """aigeo: track the geopolitics of AI from the terminal.

    Run without a command to open the dashboard.
    """
    if db and not Path(db).expanduser().parent.is_dir():
        folder = Path(db).expanduser().parent
        raise click.ClickException(
            f"--db {db}: the folder {folder} does not exist (a typo? create it first)"
        )
    ctx.obj = Context(db)
    if ctx.invoked_subcommand is None:
        launch_dashboard(ctx.obj)  # the dashboard resumes the collector after its first frame
    elif ctx.invoked_subcommand not in RESUME_AFTER_OWN_IMPORTS:
        resume_collector()  # click has imported the command's family (tui.startup)


#: Commands that end the start-up pause themselves, once they have imported what they
#: run on (tui.cli.feeds: refresh and poll load httpx and the poller, ~70 modules; with
#: the collector on, an all-304 refresh of 100 feeds spent 20-50 ms collecting).
RESUME_AFTER_OWN_IMPORTS = frozenset({"refresh", "poll"})


def has_terminal() -> bool:
    """Whether stdin and stdout are a terminal (the dashboard needs one to draw and read)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def launch_dashboard(context: Context) -> None:
    """Open the store (loading the seed corpus on first run) and run the Textual app.

    The whole file is checked (SQLite's quick_check) in a thread from here on, and every
    write waits for its verdict (tui.store.check): the first frame does not wait for a
    check that grows with the file. A damaged database is still refused before Textual
    takes the terminal when the verdict is in by then (a small file), and otherwise the
    dashboard leaves as soon as it is, and the refusal is printed here, the same line.
    """
    if not has_terminal():
        raise click.ClickException(
            "the dashboard needs a terminal (stdin and stdout); without one use the "
            "commands: aigeo items, aigeo refresh, aigeo --help"
        )
    from tui.store import StoreError
    from tui.store.check import DatabaseCheck

    check = DatabaseCheck(context.db_path).start()
    from tui.themes import load_lexicon

    lexicon = load_lexicon()
    from tui.ui.app import make_app

    _refuse_if_damaged(check)
    try:
        context.store(lexicon=lexicon).close()  # migrating or seeding waits for the check
    except StoreError as exc:
        _refuse_if_damaged(check)
        raise click.ClickException(str(exc)) from exc
    _refuse_if_damaged(check)
    settings = load_settings()
    app = make_app(
        context.db_path,
        settings=settings,
        poll_settings=context.poll_settings(settings),
        offer_defaults=True,
        lexicon=lexicon,
        database_check=check,
    )
    app.run()
    _refuse_if_damaged(check)
    if app.return_code:  # a crash (Textual printed the traceback): say so to the shell
        sys.exit(app.return_code)


def _refuse_if_damaged(check: DatabaseCheck) -> None:
    """The check's refusal as the command line's error, once its verdict is in."""
    if check.done() and check.problem:
        raise click.ClickException(check.problem)


def run() -> None:
    """Entry point of `aigeo` and `python -m tui`.

    A command that has closed everything it opened may ask to skip the interpreter's
    finalization (tui.cli.context.exit_without_finalizing): freeing ~375 modules took an
    all-304 refresh 30-50 ms after its last line. Only here, in a real process: tests
    that invoke `main` in their own process are never cut short.
    """
    code: int | str | None = 0
    forget_finalizing_request()  # only this run's command may ask
    try:
        main(prog_name="aigeo")
    except SystemExit as exc:
        code = exc.code
    if finalizing_skippable() and (code is None or isinstance(code, int)):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code or 0)
    sys.exit(code)
