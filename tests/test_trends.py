"""Sparklines and rising/falling marks on synthetic calendars."""

from __future__ import annotations

from datetime import date

from tui.trends import bucket, daily_series, sparkline, trend_mark


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
