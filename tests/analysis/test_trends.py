"""Sparklines and rising/falling marks on synthetic calendars."""

from __future__ import annotations

from datetime import date

from tui.analysis.series import bucket, daily_series, sparkline, trend_mark


def test_daily_series_fills_missing_days_oldest_first() -> None:
    series = daily_series({"2025-07-01": 2, "2025-07-03": 5, "2025-06-01": 9}, date(2025, 7, 3), 3)
    assert series == [2, 0, 5]


def test_bucket_and_sparkline() -> None:
    assert bucket([1, 2, 3, 4, 5], 2) == [3, 7, 5]
    assert sparkline([0, 0, 0]) == "▁▁▁"
    line = sparkline([0, 1, 4, 8])
    assert line[0] == "▁" and line[-1] == "█" and len(line) == 4
    assert line[1] != "▁"  # any item at all shows above the baseline


def test_trend_mark_needs_a_real_change() -> None:
    steady = [2] * 30
    assert trend_mark(steady) == ""
    rising = [1] * 23 + [3] * 7
    assert trend_mark(rising) == "▲"
    falling = [4] * 23 + [0] * 7
    assert trend_mark(falling) == "▼"
    tiny = [0] * 23 + [0, 0, 0, 0, 0, 1, 1]  # 0 → 2 is below the floor
    assert trend_mark(tiny) == ""
    assert trend_mark([5, 5]) == ""


# --------------------------------------------------------------------------- weekly trends

from datetime import timedelta  # noqa: E402

from tui.analysis.series import rising_score, top_rising, weekly_series, weekly_trends  # noqa: E402
from tui.analysis.trends import build_trends, trends_to_json  # noqa: E402
from tui.model import Classification, NewItem, ThemeDef, ThemeScore  # noqa: E402
from tui.store import Store  # noqa: E402

TODAY = date(2025, 6, 30)  # this week is 24-30 June; the four before start on 27 May
THEMES = [ThemeDef(t, t.title()) for t in ("chips", "governance", "safety", "markets")]


def test_weekly_series_ends_with_this_week() -> None:
    daily = {"2025-06-30": 2, "2025-06-24": 1, "2025-06-23": 5, "2025-05-27": 7, "2025-05-26": 9}
    assert weekly_series(daily, TODAY, 5) == [7, 0, 0, 5, 3]


def test_rising_score_has_a_floor() -> None:
    assert rising_score([1, 1, 1, 1, 6]) == (6 - 1) / 3  # a small baseline counts as 3
    assert rising_score([10, 10, 10, 10, 20]) == 1.0
    assert round(rising_score([1, 1, 1, 1, 2]), 2) == 0.33
    assert rising_score([8, 8, 8, 8, 2]) < 0
    assert rising_score([]) == 0.0


def test_rising_needs_volume_and_a_real_jump() -> None:
    daily = {
        "small": {"2025-06-02": 1, "2025-06-09": 1, "2025-06-16": 1, "2025-06-29": 2},
        "jump": {"2025-06-02": 1, "2025-06-29": 4},
        "flat": {f"2025-06-{d:02d}": 2 for d in range(1, 31)},
    }
    trends = {t.label: t for t in weekly_trends(daily, TODAY, 8)}
    assert len(trends["jump"].weekly) == 8
    assert [t.label for t in top_rising(list(trends.values()))] == ["jump"]
    assert not trends["small"].rising and not trends["flat"].rising


def _calendar_store() -> Store:
    """A synthetic calendar: per theme, items per week before and this week."""
    store = Store.memory()
    source, _ = store.add_source("https://a.example/feed")
    plan = {  # theme: (items in each of the four weeks before, items this week, actor)
        "chips": (1, 6, "China"),
        "governance": (10, 20, "European Union"),
        "safety": (1, 2, "United Kingdom"),
        "markets": (8, 2, "Nvidia"),
    }
    entries = []
    for theme, (before, now, actor) in plan.items():
        days = [TODAY - timedelta(days=d % 7) for d in range(now)]
        for week in range(1, 5):
            days += [TODAY - timedelta(days=7 * week + d % 7) for d in range(before)]
        for number, day in enumerate(days):
            when = f"{day.isoformat()}T12:00:00+00:00"
            item = NewItem(guid=f"{theme}-{number}", title=f"{theme} {number}", published=when)
            label = Classification(themes=(ThemeScore(theme, 1.0),), actors=(actor,))
            entries.append((item, label))
    store.save_items(source, entries)
    return store


def test_trend_report_on_a_synthetic_calendar() -> None:
    report = build_trends(_calendar_store(), THEMES, TODAY, weeks=5)
    by_id = {t.label: t for t in report.themes}
    assert by_id["chips"].weekly == [1, 1, 1, 1, 6]
    assert by_id["governance"].weekly == [10, 10, 10, 10, 20]
    assert round(by_id["chips"].score, 2) == 1.67 and by_id["governance"].score == 1.0
    assert [t.label for t in report.rising_themes] == ["chips", "governance"]
    assert [t.label for t in report.rising_actors] == ["China", "European Union"]
    assert report.week_starts[-1] == date(2025, 6, 24)
    assert report.cooccurrence["European Union"] == {"governance": 54}  # 30 days: 20+30+4
    assert report.cooccurrence["China"] == {"chips": 10}
    document = trends_to_json(report)
    assert document["rising_themes"] == ["chips", "governance"]
    assert document["themes"][0] == {
        "id": "chips",
        "name": "Chips",
        "weekly": [1, 1, 1, 1, 6],
        "this_week": 6,
        "baseline": 1.0,
        "score": 1.67,
        "rising": True,
    }


def test_trend_report_as_of_an_earlier_day_ignores_later_items() -> None:
    report = build_trends(_calendar_store(), THEMES, TODAY - timedelta(days=7), weeks=5)
    by_id = {t.label: t for t in report.themes}
    assert by_id["chips"].weekly == [0, 1, 1, 1, 1]
    assert report.rising_themes == []
