"""The aigeo application: settings, the shared state, and the DashboardScreen it pushes.

Everything the dashboard does lives in `dashboard.py` and its action parts; the App only
owns what is app-wide: the theme, the keymap, literal toasts, the help screen and the
command palette.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen

from tui.config import Settings, save_setting
from tui.startup import resume_collector
from tui.store import Store, StoreError
from tui.themes import Lexicon, load_lexicon
from tui.ui.dashboard import DashboardScreen
from tui.ui.db_watch import DatabaseWatch, guard_writes
from tui.ui.escape_burst import split_escape_burst
from tui.ui.keys import binding_ids, checked_keymap, help_sections
from tui.ui.macros import MacroRunner, checked_macros
from tui.ui.state import Clock, Shared, utc_clock

if TYPE_CHECKING:  # imported when a refresh starts (httpx, multiprocessing)
    from tui.feeds.poll_settings import PollSettings
    from tui.store.check import DatabaseCheck

#: The longest the collector stays paused after the app mounts (tui.startup).
STARTUP_COLLECTOR_S = 2.0

#: How often the app looks whether the start-up check of the file has its verdict.
CHECK_POLL_S = 0.05


class AigeoApp(App[None]):
    """Holds the shared state and shows the dashboard."""

    TITLE = "aigeo"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", key_display="?", id="help"),
        Binding("comma", "macro", "Run a macro: , then its key", show=False, id="macro"),
    ]

    def __init__(
        self,
        shared: Shared,
        *,
        offer_defaults: bool = True,
        database_check: DatabaseCheck | None = None,
    ) -> None:
        super().__init__()
        self.shared = shared
        self.database_check = database_check  # the file's check, still running (or None)
        self.dashboard = DashboardScreen(shared, offer_defaults=offer_defaults)
        self.db_watch = DatabaseWatch(self, shared.store)  # stops writing if the file goes bad
        self.macros = MacroRunner(self, {})
        guard_writes(self.dashboard.tracking.tracker, self.db_watch)

    @property
    def store(self) -> Store:
        """The database the dashboard shows."""
        return self.shared.store

    @property
    def lexicon(self) -> Lexicon:
        """The theme lexicon in use."""
        return self.shared.lexicon

    def on_mount(self) -> None:
        # start-up is over once the first frame is out (tui.startup); the timer is for a
        # first frame that never comes (a headless run with no screen updates)
        self.call_after_refresh(resume_collector)
        self.set_timer(STARTUP_COLLECTOR_S, resume_collector)
        self.db_watch.start()
        if self.database_check is not None:
            self._checking = self.set_interval(CHECK_POLL_S, self._look_at_check)
        settings = self.shared.settings
        if settings.ui_theme in self.available_themes:
            self.theme = settings.ui_theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        keymap, problems = checked_keymap(settings.keys)
        if keymap:
            self.set_keymap(keymap)
        if settings.macros:  # binding_ids() imports every screen: not at every start-up
            macros, macro_problems = checked_macros(settings.macros, binding_ids())
            self.macros.macros = macros
            problems += macro_problems
        for problem in [*settings.problems, *problems]:
            self.notify(problem, severity="warning", timeout=10)

    def _look_at_check(self) -> None:
        """Leave once the file's check says it is damaged (the CLI prints why)."""
        check = self.database_check
        if check is None or not check.done():
            return
        self._checking.stop()
        if check.problem:
            self.exit(return_code=1)

    def _handle_exception(self, error: Exception) -> None:
        """A database error met before the start-up check's verdict: when the check finds
        the file damaged, that is the answer (the CLI prints it), not a traceback."""
        check = self.database_check
        damaged = isinstance(error, sqlite3.DatabaseError | StoreError) and (
            check is not None and check.wait(timeout=120)
        )
        if damaged:  # the pump that raised has stopped: close without a message
            self.exit(return_code=1)
            self.panic()  # no renderables: nothing printed; the CLI says why
            return
        super()._handle_exception(error)

    def get_default_screen(self) -> Screen[Any]:
        """The dashboard is the base screen: Trends, help and dialogs go on top of it."""
        return self.dashboard

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A toast whose text is literal by default: messages carry feed titles, errors
        and paths, and Textual would otherwise read `[…]` in them as markup (a `[/]` in
        a feed title crashed the app; `[@click=…]` made a clickable action)."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No key runs an action once quitting has begun: `q` then `e` typed quickly
        opened the theme editor on an app being torn down (a traceback on exit)."""
        if self._exit:
            return False
        return super().check_action(action, parameters)

    async def on_event(self, event: events.Event) -> None:
        """The key after `,` names a macro (tui.ui.macros); an unbound Alt+key from the
        terminal is Esc then the key (tui.ui.escape_burst)."""
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self.macros.take(event):
                return
            split = split_escape_burst(
                event, (bindings.key_to_bindings for _, bindings in self._binding_chain)
            )
            if split is not None:
                event.stop()
                escape, key = split
                self.post_message(escape)
                # after the Esc has settled (its focus change is itself deferred), as if
                # the key had come in the next read
                self.call_after_refresh(self.post_message, key)
                return
        await super().on_event(event)

    def on_unmount(self) -> None:
        """Tell a running refresh to stop: quitting never waits for slow feeds."""
        self.shared.refresh_cancel.set()

    def _remember_theme(self, theme: object) -> None:
        name = getattr(theme, "name", None)
        settings = self.shared.settings
        if isinstance(name, str) and name != settings.ui_theme:
            settings.ui_theme = name
            try:
                save_setting("ui", "theme", name)
            except OSError as exc:
                self.notify(f"Could not save the theme choice: {exc}", severity="warning")

    def action_macro(self) -> None:
        """,: the next key runs the macro of that name."""
        self.macros.start()

    def action_help(self) -> None:
        """?: every key of every screen, generated from the bindings."""
        from tui.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen(help_sections(self)))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help: list every key", "Show the key bindings", self.action_help)
        if isinstance(screen, DashboardScreen):
            from tui.ui.palette import dashboard_commands

            yield from dashboard_commands(screen)


def make_app(
    db_path: str | Path,
    *,
    clock: Clock = utc_clock,
    settings: Settings | None = None,
    poll_settings: PollSettings | None = None,
    offer_defaults: bool = False,
    lexicon: Lexicon | None = None,
    database_check: DatabaseCheck | None = None,
) -> AigeoApp:
    """The dashboard on the database at `db_path` (the CLI and the tests both use this).

    `offer_defaults` asks, once per database, whether to add the default feed list;
    `database_check`: the file's check, still running (tui.store.check).
    """
    shared = Shared(
        store=Store.open(db_path),
        lexicon=lexicon or load_lexicon(),
        clock=clock,
        settings=settings or Settings(),
        _poll_settings=poll_settings,
    )
    return AigeoApp(shared, offer_defaults=offer_defaults, database_check=database_check)
