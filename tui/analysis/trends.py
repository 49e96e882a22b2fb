"""The trends report: weekly counts, rising themes and actors, actor × theme co-occurrence.

Read from the store for a given day (an injectable clock: the CLI's `--at`, the app's
`clock`), shaped for `aigeo trends`, its `--json` and the Trends screen. No Textual.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from tui.analysis.series import BASELINE_WEEKS, Trend, rising_score, top_rising
from tui.model import ItemQuery, ThemeDef
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


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def window_trends(
    store: Store,
    kind: str,
    until: datetime,
    length: timedelta,
    windows: int,
    query: ItemQuery | None = None,
) -> list[Trend]:
    """A Trend per theme or actor (`kind`) over `windows` consecutive windows of
    `length`, the last one [until - length, until): stories per window (distinct news)
    with the articles beside, scored against the windows before (see rising_score).
    Only items matching `query` count, when given. One query per window, each a range
    of the sort_at index."""
    counts = []
    for number in range(windows):
        end = until - length * (windows - 1 - number)
        counts.append(store.label_story_counts(kind, _iso(end - length), _iso(end), query))
    labels = sorted(set().union(*counts))
    out = []
    for label in labels:
        stories = [c.get(label, (0, 0))[0] for c in counts]
        articles = [c.get(label, (0, 0))[1] for c in counts]
        out.append(Trend(label, stories, rising_score(stories), articles))
    return out


def day_end(day: date) -> datetime:
    """The end of a day (UTC): the exclusive upper bound of a window "as of" it."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)


def _trimmed(trend: Trend, weeks: int) -> Trend:
    return Trend(trend.label, trend.weekly[-weeks:], trend.score, trend.articles[-weeks:])


def build_trends(
    store: Store,
    themes: list[ThemeDef],
    today: date,
    weeks: int = 8,
    top_actors: int = TOP_ACTORS,
    query: ItemQuery | None = None,
) -> TrendReport:
    """The report for the `weeks` weeks ending with `today` (at least five are read),
    counting stories per theme and actor (articles beside), of `query`'s items if given."""
    span = max(weeks, BASELINE_WEEKS + 1)
    until, week = day_end(today), timedelta(days=7)
    before = (today + timedelta(days=1)).isoformat()
    theme_trends = {
        t.label: _trimmed(t, weeks) for t in window_trends(store, "theme", until, week, span, query)
    }
    ordered = [theme_trends.get(t.id) or Trend(t.id, [0] * weeks, 0.0, [0] * weeks) for t in themes]
    actor_trends = [
        _trimmed(t, weeks) for t in window_trends(store, "actor", until, week, span, query)
    ]
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
        "weekly_articles": trend.articles,
        "this_week": trend.this_week,
        "this_week_articles": trend.this_week_articles,
        "previous_week": trend.previous,
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


def query_weekly(
    store: Store, query: ItemQuery, today: date, weeks: int
) -> tuple[list[int], list[int]]:
    """Stories and articles per rolling week (the last ends with `today`) of the items
    matching `query` (a watched view's sparkline), oldest first."""
    until, week = day_end(today), timedelta(days=7)
    stories, articles = [], []
    for number in range(weeks):
        end = until - week * (weeks - 1 - number)
        counted = store.story_count_between(_iso(end - week), _iso(end), query)
        stories.append(counted[0])
        articles.append(counted[1])
    return stories, articles


def watched_weekly(store: Store, today: date, weeks: int) -> list[tuple[str, list[int], list[int]]]:
    """(view name, stories per week, articles per week) for every watched view."""
    from tui.analysis.watch import view_infos
    from tui.query import parse_query

    now = day_end(today)
    out = []
    for info in view_infos(store):
        if info.watched:
            query = parse_query(info.query, now=now).to_item_query()
            out.append((info.name, *query_weekly(store, query, today, weeks)))
    return out
