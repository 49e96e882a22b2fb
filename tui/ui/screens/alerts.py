"""The Alerts screen: new matches of watched views, newest first; mark them seen."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.analysis.watch import Alert, list_alerts, mark_seen
from tui.store import Store
from tui.ui.format import plain
from tui.ui.widgets.key_footer import KeyFooter


def alert_text(alert: Alert) -> Text:
    """One alert as a list row (feed text kept literal)."""
    text = Text("● " if not alert.seen else "  ", style="bold green")
    text.append(alert.at[:16].replace("T", " ") + "  ", style="dim")
    text.append_text(plain(f"[{alert.view}] ", style="cyan"))
    text.append_text(plain(alert.title, style="" if alert.seen else "bold"))
    more = f"  {alert.source}" + (f" +{alert.sources - 1}" if alert.sources > 1 else "")
    text.append_text(plain(more, style="dim"))
    return text


class AlertsScreen(Screen[str | None]):
    """Alerts of every watched view. Enter opens the alert's view (and marks it seen);
    m marks the highlighted one seen, M all of them; a shows or hides the seen ones.
    Dismisses with the view's query to open, or None."""

    BINDINGS = [
        Binding("escape,q", "close", "Back"),
        Binding("m", "mark_seen", "Mark seen"),
        Binding("M", "mark_all_seen", "Mark all seen"),
        Binding("a", "toggle_seen", "Show/hide seen"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]
    DEFAULT_CSS = """
    AlertsScreen #alerts-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
    AlertsScreen OptionList { height: 1fr; }
    """

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.include_seen = False
        self.alerts: list[Alert] = []

    def compose(self) -> ComposeResult:
        yield Static("Alerts", id="alerts-title", markup=False)
        yield OptionList(id="alerts")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.reload()
        self.query_one(OptionList).focus()

    def reload(self) -> None:
        """Re-read the alerts, keeping the highlighted position."""
        self.alerts = list_alerts(self.store, include_seen=self.include_seen)
        options = self.query_one(OptionList)
        keep = options.highlighted
        options.clear_options()
        options.add_options([Option(alert_text(a), id=str(a.id)) for a in self.alerts])
        if not self.alerts:
            options.add_option(Option(Text("No alerts. Watch a view: W in the list", "dim")))
        else:
            options.highlighted = min(keep or 0, len(self.alerts) - 1)
        unseen = sum(not a.seen for a in self.alerts)
        shown = "all" if self.include_seen else "unseen"
        self.query_one("#alerts-title", Static).update(
            f"Alerts: {unseen} unseen ({shown} shown, newest first) · enter opens the view"
        )

    def _highlighted(self) -> Alert | None:
        index = self.query_one(OptionList).highlighted
        return self.alerts[index] if index is not None and index < len(self.alerts) else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        alert = self._highlighted()
        if alert is not None:
            mark_seen(self.store, [alert.id])
            self.dismiss(alert.query)

    def action_mark_seen(self) -> None:
        alert = self._highlighted()
        if alert is not None:
            mark_seen(self.store, [alert.id])
            self.reload()

    def action_mark_all_seen(self) -> None:
        marked = mark_seen(self.store)
        self.notify(f"{marked} alerts marked seen", markup=False)
        self.reload()

    def action_toggle_seen(self) -> None:
        self.include_seen = not self.include_seen
        self.reload()

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_close(self) -> None:
        self.dismiss(None)
