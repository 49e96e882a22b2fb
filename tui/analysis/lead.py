"""A brief's lead paragraph and its memory of earlier briefs (no Textual).

The lead is built from counts, not prose: for the brief's window [since, until) and the
`BASELINE_WINDOWS` windows of the same length before it, stories (distinct news) and
articles per theme and actor among the brief's items; the rising ones (the same rule as
`aigeo trends`: at least RISING_MIN stories and clearly above the baseline) lead, with
the change against the previous window. With a 7-day window ending at a day's end the
numbers are exactly `aigeo trends --json --at DAY`'s this week.

A brief that is written is remembered (`brief_runs`: its view, window and story ids),
so the next brief of the same view can mark what is new since then.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from tui.analysis.series import BASELINE_WEEKS, Trend, top_rising
from tui.analysis.trends import window_trends
from tui.model import ItemQuery, ThemeDef
from tui.store import Store, utc_now

LEAD_LABELS = 3  # themes (and actors) named in the lead
BASELINE_WINDOWS = BASELINE_WEEKS


@dataclass(slots=True)
class Lead:
    """The numbers of the lead paragraph and the paragraph itself."""

    stories: int  # stories in the window (all themes)
    articles: int
    themes: list[Trend]  # the leading themes (rising first), with their windows
    actors: list[Trend]
    rising_themes: list[str] = field(default_factory=list)
    rising_actors: list[str] = field(default_factory=list)
    text: str = ""


def _change(trend: Trend) -> str:
    delta = trend.this_week - trend.previous
    sign = "+" if delta >= 0 else "−"
    return f"{sign}{abs(delta)} on the previous period's {trend.previous}"


def _phrase(trend: Trend, name: str) -> str:
    return (
        f"{name} ({trend.this_week} stories, {trend.this_week_articles} articles; {_change(trend)})"
    )


def _leading(trends: list[Trend]) -> tuple[list[Trend], list[str]]:
    """The rising ones first, then the most told; and the ids of the rising ones."""
    rising = top_rising(trends, LEAD_LABELS)
    rest = sorted(
        (t for t in trends if t not in rising and t.this_week > 0),
        key=lambda t: (-t.this_week, -t.this_week_articles, t.label),
    )
    return (rising + rest)[:LEAD_LABELS], [t.label for t in rising]


def build_lead(
    store: Store,
    themes: list[ThemeDef],
    query: ItemQuery,
    since: datetime,
    until: datetime,
) -> Lead:
    """The lead of a brief over [since, until) of the items matching `query`."""
    length = until - since
    windows = BASELINE_WINDOWS + 1
    filtered = query if query != ItemQuery() else None
    names = {t.id: t.name for t in themes}
    theme_trends = [
        t
        for t in window_trends(store, "theme", until, length, windows, filtered)
        if t.label in names
    ]
    actor_trends = window_trends(store, "actor", until, length, windows, filtered)
    stories, articles = store.story_count_between(
        since.isoformat(timespec="seconds"), until.isoformat(timespec="seconds"), filtered
    )
    lead_themes, rising_themes = _leading(theme_trends)
    lead_actors, rising_actors = _leading(actor_trends)
    lead = Lead(stories, articles, lead_themes, lead_actors, rising_themes, rising_actors)
    lead.text = lead_text(lead, names)
    return lead


def lead_text(lead: Lead, names: dict[str, str]) -> str:
    """The paragraph: how much news, what rose, who was in it (plain text)."""
    if not lead.stories:
        return "No stories in this period."
    words = [f"{lead.stories} stories ({lead.articles} articles) in this period."]
    themes = [t for t in lead.themes if t.label in lead.rising_themes]
    if themes:
        listed = "; ".join(_phrase(t, names.get(t.label, t.label)) for t in themes)
        words.append(f"Rising: {listed}.")
    others = [t for t in lead.themes if t.label not in lead.rising_themes]
    if others:
        listed = "; ".join(_phrase(t, names.get(t.label, t.label)) for t in others)
        words.append(("Also most told: " if themes else "Most told: ") + listed + ".")
    actors = lead.actors
    if actors:
        rising = set(lead.rising_actors)
        listed = "; ".join(
            ("▲ " if t.label in rising else "") + _phrase(t, t.label) for t in actors
        )
        words.append(f"Most named: {listed}.")
    return " ".join(words)


# --------------------------------------------------------------------------- history


@dataclass(frozen=True, slots=True)
class PreviousBrief:
    """The last brief written for a view: when, and the stories it listed."""

    at: str
    since: str
    until: str
    stories: frozenset[int]


def previous_brief(store: Store, view: str) -> PreviousBrief | None:
    """The last brief remembered for `view`."""
    row = store.conn.execute(
        "SELECT at, since, until, stories FROM brief_runs WHERE view = ? ORDER BY id DESC LIMIT 1",
        (view,),
    ).fetchone()
    if row is None:
        return None
    try:
        stories = frozenset(int(s) for s in json.loads(row[3]))
    except (ValueError, TypeError):
        stories = frozenset()
    return PreviousBrief(str(row[0]), str(row[1]), str(row[2]), stories)


def remember_brief(
    store: Store, view: str, since: datetime, until: datetime, stories: list[int]
) -> None:
    """Record a written brief so the next one of `view` can say what is new."""
    with store.write():
        store.conn.execute(
            "INSERT INTO brief_runs(view, at, since, until, stories) VALUES (?, ?, ?, ?, ?)",
            (
                view,
                utc_now(),
                since.isoformat(timespec="seconds"),
                until.isoformat(timespec="seconds"),
                json.dumps(sorted(set(stories))),
            ),
        )
