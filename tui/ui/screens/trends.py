"""The Trends screen: a weekly chart per theme, what is rising, who appears with what."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Label, Sparkline, Static

from tui.analysis.series import Trend
from tui.analysis.trends import TrendReport, build_trends, watched_weekly
from tui.analysis.windows import TREND_WEEKS
from tui.model import ThemeDef
from tui.store import Store
from tui.ui.format import plain
from tui.ui.widgets.key_footer import KeyFooter


def rising_text(title: str, trends: list[Trend], names: dict[str, str]) -> Text:
    """A titled list of rising labels with this week's count and the weekly mean before."""
    text = Text(title + "\n", style="bold")
    if not trends:
        text.append("  nothing clearly rising this week\n", style="dim")
    for trend in trends[:8]:
        text.append("  ▲ ", style="green")
        text.append_text(plain(names.get(trend.label, trend.label)))
        counts = (
            f"{trend.this_week} stories ({trend.this_week_articles} art.) this wk, "
            f"was {trend.baseline:.1f}/wk"
        )
        text.append(f"  {counts}\n", style="dim")
    return text


class TrendsScreen(Screen[None]):
    """Trends as of a day: rising themes and actors, a chart per theme, co-occurrence."""

    BINDINGS = [
        Binding("escape,q", "close", "Back"),
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
    ]
    DEFAULT_CSS = """
    TrendsScreen { layout: vertical; }
    TrendsScreen #trends-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
    TrendsScreen #trends-body { height: 1fr; padding: 0 1; }
    TrendsScreen #rising { height: auto; }
    TrendsScreen #rising > Static { width: 1fr; height: auto; }
    TrendsScreen .section { margin-top: 1; text-style: bold; }
    TrendsScreen .trend-row { height: 1; }
    TrendsScreen .trend-name { width: 32; }
    TrendsScreen .trend-counts { width: 24; color: $text-muted; }
    TrendsScreen .trend-row Sparkline { width: 1fr; margin: 0 1; }
    TrendsScreen DataTable { height: auto; max-height: 16; }
    """

    def __init__(self, store: Store, themes: list[ThemeDef], today: date) -> None:
        super().__init__()
        self.report: TrendReport = build_trends(store, themes, today, TREND_WEEKS)
        self.watched = watched_weekly(store, today, TREND_WEEKS)

    def compose(self) -> ComposeResult:
        report = self.report
        first = report.week_starts[0]
        yield Static(
            f"Trends as of {report.as_of}: {report.weeks} weeks from {first} (rolling weeks)",
            id="trends-title",
            markup=False,
        )
        with VerticalScroll(id="trends-body"):
            with Horizontal(id="rising"):
                yield Static(rising_text("Rising themes", report.rising_themes, report.names))
                yield Static(rising_text("Rising actors", report.rising_actors, {}))
            yield Label(
                "Stories per week by theme (oldest → this week; one story, many outlets: 1)",
                classes="section",
            )
            for trend in report.themes:
                name = report.names.get(trend.label, trend.label)
                mark = "▲ " if trend.rising else "  "
                with Horizontal(classes="trend-row"):
                    yield Label(plain(mark + name), classes="trend-name")
                    yield Sparkline([float(n) for n in trend.weekly], id=f"spark-{trend.label}")
                    yield Label(
                        f"{trend.this_week:>3} st {trend.this_week_articles:>3} art "
                        f"{trend.baseline:4.1f} avg",
                        classes="trend-counts",
                    )
            if self.watched:
                yield Label("Stories per week of each watched view", classes="section")
            for number, (name, stories, articles) in enumerate(self.watched):
                with Horizontal(classes="trend-row"):
                    yield Label(plain("◉ " + name), classes="trend-name")
                    yield Sparkline([float(n) for n in stories], id=f"view-spark-{number}")
                    yield Label(
                        f"{stories[-1]:>4} st. {articles[-1]:>4} art.", classes="trend-counts"
                    )
            since = report.cooccurrence_since
            yield Label(
                f"Actors with themes, {since} to {report.as_of} (items naming both)",
                classes="section",
            )
            yield DataTable(id="cooccurrence", zebra_stripes=True, cursor_type="row")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        themes = [t.label for t in self.report.themes]
        table.add_column("Actor", key="actor")
        for theme in themes:
            table.add_column(theme, key=theme)
        for actor, counts in self.report.cooccurrence.items():
            cells = [plain(actor)] + [str(counts.get(t, "")) for t in themes]
            table.add_row(*cells, key=actor)
        if not self.report.cooccurrence:
            table.add_row(Text("no actor named with a theme this month", style="dim"))

    def action_close(self) -> None:
        """Back to the dashboard."""
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        self.query_one("#trends-body", VerticalScroll).scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.query_one("#trends-body", VerticalScroll).scroll_up(animate=False)
