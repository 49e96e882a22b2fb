"""What every command shares: the Context (database path, store opened on demand),
`pass_ctx` and JSON output. Command modules import this, never the group module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from tui.config import Settings, load_settings, resolve_db_path
from tui.store import Store, StoreError, describe_database_error

if TYPE_CHECKING:
    from collections.abc import Callable

    from tui.feeds.alert_hook import AlertHook
    from tui.feeds.poll_settings import PollSettings
    from tui.themes import Lexicon


class Context:
    """What every subcommand shares: the database path, opened on demand."""

    def __init__(self, db: str | None) -> None:
        self.db_path = resolve_db_path(db)
        self._store: Store | None = None

    def poll_settings(self, settings: Settings | None = None) -> PollSettings:
        """Poller limits from the [poll] table of config.toml (problems go to stderr)."""
        from tui.feeds.poll_settings import PollSettings

        settings = settings or load_settings()
        poll, problems = PollSettings.from_mapping(settings.poll)
        for problem in problems + settings.problems:
            click.echo(f"aigeo: config: {problem}", err=True)
        return poll

    def alert_hook(self, settings: Settings | None = None) -> AlertHook | None:
        """The alert hook of the [alerts] table of config.toml (problems go to stderr)."""
        from tui.feeds.alert_hook import AlertHook

        hook, problems = AlertHook.from_mapping((settings or load_settings()).alerts)
        for problem in problems:
            click.echo(f"aigeo: config: {problem}", err=True)
        return hook

    def check_before_writes(self, on_damage: Callable[[], None]) -> Callable[[], None]:
        """Start SQLite's quick_check of the whole file in a thread (tui.store.check),
        holding every write of this process to the file until it is done; returns the
        wait, which raises the refusal when the file is damaged. `on_damage` is called
        from the thread then (a refresh cancels itself); the writes that waited are
        refused, so nothing is written into a damaged file.

        For `refresh`: its reads and its network phase go on meanwhile, so an all-304
        refresh no longer pays for the check (~0.1 s at 90 MB, more under load) before
        its first request. The check runs at normal priority here (nothing to draw).
        """
        from tui.store.check import DatabaseCheck

        check = DatabaseCheck(self.db_path, on_damage=on_damage, yield_cpu=False).start()

        def wait() -> None:
            problem = check.wait()
            if problem:
                raise click.ClickException(problem)

        return wait

    def store(self, *, check: bool = False, lexicon: Lexicon | None = None) -> Store:
        """The open store, with the seed corpus loaded on first use.

        `check` reads the whole file first (SQLite's quick_check) and refuses a damaged
        one before anything is written. `lexicon`: one the caller loaded already.
        """
        if self._store is None:
            from tui.ingest import load_seed_corpus

            try:
                store = Store.open(self.db_path)
            except StoreError as exc:
                raise click.ClickException(str(exc)) from exc
            problem = store.quick_check() if check else None
            if problem:
                store.close()
                detail = f"malformed: {problem}"
                message = describe_database_error(self.db_path, detail, untouched=True)
                raise click.ClickException(message)
            load_seed_corpus(store, lexicon)
            self._store = store
        return self._store


pass_ctx = click.make_pass_decorator(Context)

_skip_finalizing: list[bool] = []


def exit_without_finalizing() -> None:
    """Say this command, ending now, closed every connection, file and child it opened:
    `run` (the real entry point) may then leave with os._exit once stdout and stderr are
    flushed. Ignored while any other non-daemon thread is alive."""
    _skip_finalizing.append(True)


def forget_finalizing_request() -> None:
    """Clear an earlier command's request (commands run in-process by tests ask too)."""
    _skip_finalizing.clear()


def finalizing_skippable() -> bool:
    """True when the command asked (exit_without_finalizing) and no other non-daemon
    thread runs (its work would be cut off)."""
    import threading

    if not _skip_finalizing:
        return False
    main = threading.main_thread()
    return all(t is main or t.daemon for t in threading.enumerate())


def open_store(context: Context, *, check: bool = False) -> Store:
    """The database, opened for feed management (the seed corpus is not needed here).

    `check` reads the whole file first (SQLite's quick_check, ~0.1-0.5 s for 50-200 MB)
    and refuses a damaged one once, clearly, before anything is written: `refresh` and
    `poll` use it, so a cron job never writes into a damaged file.
    """
    try:
        store = Store.open(context.db_path)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    problem = store.quick_check() if check else None
    if problem:
        store.close()
        message = describe_database_error(context.db_path, f"malformed: {problem}", untouched=True)
        raise click.ClickException(message)
    return store


def emit_json(document: Any) -> None:
    """Print one JSON document (see json_text: terminal-safe, still exactly the data)."""
    from tui.text import json_text  # not at module level: the dashboard never needs it

    click.echo(json_text(document))
