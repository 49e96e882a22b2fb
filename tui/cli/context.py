"""What every command shares: the Context (database path, store opened on demand),
`pass_ctx` and JSON output. Command modules import this, never the group module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from tui.config import Settings, load_settings, resolve_db_path
from tui.store import Store, StoreError, describe_database_error
from tui.text import json_text

if TYPE_CHECKING:
    from collections.abc import Callable

    from tui.feeds.alert_hook import AlertHook
    from tui.feeds.refresh_types import PollSettings
    from tui.themes import Lexicon


class Context:
    """What every subcommand shares: the database path, opened on demand."""

    def __init__(self, db: str | None) -> None:
        self.db_path = resolve_db_path(db)
        self._store: Store | None = None

    def poll_settings(self, settings: Settings | None = None) -> PollSettings:
        """Poller limits from the [poll] table of config.toml (problems go to stderr)."""
        from tui.feeds.refresh_types import PollSettings

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

    def check_database(self) -> None:
        """Refuse a database that cannot be opened or is damaged (SQLite's quick_check).

        On a connection of its own (safe from a thread); nothing is written.
        """
        try:
            store = Store.open(self.db_path)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc
        try:
            problem = store.quick_check()
        finally:
            store.close()
        if problem:
            detail = f"malformed: {problem}"
            raise click.ClickException(
                describe_database_error(self.db_path, detail, untouched=True)
            )

    def check_database_meanwhile(self) -> Callable[[], None]:
        """Start `check_database` in a thread; returns the wait, which re-raises what the
        check raised. SQLite lets go of the GIL while it reads the file, so the dashboard
        loads its modules meanwhile. Wait before anything reads or writes. (`refresh`
        uses `check_before_writes` instead: it reads and fetches meanwhile.)"""
        import threading

        failed: list[BaseException] = []

        def check() -> None:
            try:
                self.check_database()
            except BaseException as exc:  # re-raised on the waiting thread
                failed.append(exc)

        checker = threading.Thread(target=check, name="aigeo-quick-check", daemon=True)
        checker.start()

        def wait() -> None:
            checker.join()
            if failed:
                raise failed[0]

        return wait

    def check_before_writes(self, on_damage: Callable[[], None]) -> Callable[[], None]:
        """Start SQLite's quick_check of the whole file in a thread, holding every write
        of this process to the file until it is done (tui.dbfile.hold_writes); returns
        the wait, which raises the refusal when the file is damaged. `on_damage` is
        called from the thread then (a refresh cancels itself); the writes that waited
        are refused, so nothing is written into a damaged file.

        For `refresh`: its reads and its network phase go on meanwhile, so an all-304
        refresh no longer pays for the check (~0.1 s at 90 MB, more under load) before
        its first request. Its own connection, opened without migrating (a migration is
        a write: the command's own Store.open runs it once the check has let writes go).
        """
        import threading

        from tui import dbfile

        key = dbfile.file_key(self.db_path)
        if key is None:  # a new database: nothing to check
            return lambda: None
        dbfile.hold_writes(key)
        refused: list[str] = []

        def check() -> None:
            try:
                refused.append(self._verdict() or "")
            except BaseException as exc:  # not checked: refused (never leave writes held)
                refused.append(f"{self.db_path} could not be checked ({exc}). Nothing was changed.")
            finally:
                dbfile.release_writes(key, refused[0] if refused else "not checked")
            if refused[0]:
                on_damage()

        checker = threading.Thread(target=check, name="aigeo-quick-check", daemon=True)
        checker.start()

        def wait() -> None:
            checker.join()
            if refused[0]:
                raise click.ClickException(refused[0])

        return wait

    def _verdict(self) -> str | None:
        """Why the file must not be used (its first complaint, as a sentence), or None:
        opened without migrating (a migration writes), then SQLite's quick_check."""
        try:
            store = Store.open(self.db_path, migrate=False)
        except StoreError as exc:
            return str(exc)
        try:
            problem = store.quick_check()
        finally:
            store.close()
        if not problem:
            return None
        return describe_database_error(self.db_path, f"malformed: {problem}", untouched=True)

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
    click.echo(json_text(document))
