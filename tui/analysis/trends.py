"""The trends report: weekly counts, rising themes and actors, actor × theme co-occurrence.

Read from the store for a given day (an injectable clock: the CLI's `--at`, the app's
`clock`), shaped for `aigeo trends`, its `--json` and the Trends screen. No Textual.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from tui.analysis.series import BASELINE_WEEKS, Trend, top_rising, weekly_trends
from tui.model import ThemeDef
from tui.store import Store

COOCCURRENCE_DAYS = 30  # "this month"
TOP_ACTORS = 12


@dataclass(slots=True)
class TrendReport:
    """Everything the trends views show, as of one day."""

    as_of: date
    weeks: int
    themes: list[Trend]  # every theme of the lexicon, in its order
    actors: list[Trend]  # actors named in the period, most named this week first
    rising_themes: list[Trend]
    rising_actors: list[Trend]
    cooccurrence: dict[str, dict[str, int]]  # actor → theme → items, last 30 days
    names: dict[str, str]  # theme id → name

    @property
    def week_starts(self) -> list[date]:
        """The first day of each counted week, oldest first."""
        last = self.as_of - timedelta(days=6)
        return [last - timedelta(weeks=self.weeks - 1 - n) for n in range(self.weeks)]

    @property
    def cooccurrence_since(self) -> date:
        """The first day counted for co-occurrence."""
        return self.as_of - timedelta(days=COOCCURRENCE_DAYS - 1)


def build_trends(
    store: Store, themes: list[ThemeDef], today: date, weeks: int = 8, top_actors: int = TOP_ACTORS
) -> TrendReport:
    """The report for the `weeks` weeks ending with `today` (at least five are read)."""
    span = max(weeks, BASELINE_WEEKS + 1)
    since = (today - timedelta(days=span * 7 - 1)).isoformat()
    before = (today + timedelta(days=1)).isoformat()
    theme_daily = store.daily_label_counts("theme", since, before)
    theme_trends = {t.label: t for t in weekly_trends(theme_daily, today, weeks)}
    ordered = [theme_trends.get(t.id) or Trend(t.id, [0] * weeks, 0.0) for t in themes]
    actor_trends = weekly_trends(store.daily_label_counts("actor", since, before), today, weeks)
    actor_trends.sort(key=lambda t: (-t.this_week, -sum(t.weekly), t.label))
    month = (today - timedelta(days=COOCCURRENCE_DAYS - 1)).isoformat()
    pairs = store.cooccurrence(month, before)
    totals: dict[str, int] = {}
    for (actor, _theme), count in pairs.items():
        totals[actor] = totals.get(actor, 0) + count
    leading = sorted(totals, key=lambda a: (-totals[a], a))[:top_actors]
    table = {a: {th: n for (actor, th), n in pairs.items() if actor == a} for a in leading}
    return TrendReport(
        as_of=today,
        weeks=weeks,
        themes=ordered,
        actors=actor_trends,
        rising_themes=top_rising(ordered),
        rising_actors=top_rising(actor_trends),
        cooccurrence=table,
        names={t.id: t.name for t in themes},
    )


def _trend_json(trend: Trend, name: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"id": trend.label} if name is not None else {"name": trend.label}
    if name is not None:
        out["name"] = name
    out |= {
        "weekly": trend.weekly,
        "this_week": trend.this_week,
        "baseline": round(trend.baseline, 2),
        "score": round(trend.score, 2),
        "rising": trend.rising,
    }
    return out


def trends_to_json(report: TrendReport) -> dict[str, Any]:
    """The `aigeo trends --json` document."""
    return {
        "as_of": report.as_of.isoformat(),
        "week_starts": [d.isoformat() for d in report.week_starts],
        "themes": [_trend_json(t, report.names.get(t.label, t.label)) for t in report.themes],
        "actors": [_trend_json(t) for t in report.actors],
        "rising_themes": [t.label for t in report.rising_themes],
        "rising_actors": [t.label for t in report.rising_actors],
        "cooccurrence": {
            "since": report.cooccurrence_since.isoformat(),
            "until": report.as_of.isoformat(),
            "actors": [
                {"actor": actor, "themes": themes} for actor, themes in report.cooccurrence.items()
            ],
        },
    }
