"""Trends: daily and weekly counts, sparklines, rising/falling marks and scores (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

SPARK_CHARS = "▁▂▃▄▅▆▇█"


def daily_series(counts: dict[str, int], end: date, days: int) -> list[int]:
    """Counts per day for the `days` days ending with `end` (oldest first); keys are ISO dates."""
    start = end - timedelta(days=days - 1)
    return [counts.get((start + timedelta(days=n)).isoformat(), 0) for n in range(days)]


def bucket(series: list[int], size: int) -> list[int]:
    """Sum consecutive runs of `size` values (the last bucket may be shorter)."""
    return [sum(series[i : i + size]) for i in range(0, len(series), size)]


def sparkline(values: list[int]) -> str:
    """Block characters scaled to the largest value; all zeros give a flat baseline."""
    top = max(values, default=0)
    if top <= 0:
        return SPARK_CHARS[0] * len(values)
    last = len(SPARK_CHARS) - 1
    return "".join(SPARK_CHARS[0 if v <= 0 else max(1, round(v / top * last))] for v in values)


def trend_mark(series: list[int], *, recent_days: int = 7, floor: int = 3) -> str:
    """'▲' rising, '▼' falling, '' steady: the last week against the weekly mean before it.

    A change counts only when it is at least `floor` items and half again (or half
    less) than the baseline, so a 1 → 2 jump is not news.
    """
    if len(series) <= recent_days:
        return ""
    recent = sum(series[-recent_days:])
    earlier = series[:-recent_days]
    baseline = sum(earlier) / (len(earlier) / recent_days)
    if recent - baseline >= floor and recent >= 1.5 * baseline:
        return "▲"
    if baseline - recent >= floor and recent <= 0.5 * baseline:
        return "▼"
    return ""


# --------------------------------------------------------------------------- weekly trends

BASELINE_WEEKS = 4  # "rising" compares this week with the mean of the four before it
RISING_FLOOR = 3.0  # the baseline counts as at least this: 1 → 2 is not news
RISING_MIN = 3  # and a label needs this many items this week to be rising at all
RISING_SCORE = 0.5  # the least score that counts as rising (half again the baseline)


def weekly_series(daily: dict[str, int], end: date, weeks: int) -> list[int]:
    """Counts per rolling week (7 days; the last one ends with `end`), oldest first."""
    return bucket(daily_series(daily, end, weeks * 7), 7)


def rising_score(weekly: list[int], *, floor: float = RISING_FLOOR) -> float:
    """This week (the last value) against the mean of the `BASELINE_WEEKS` before it:
    (this − baseline) / max(baseline, floor). 0 → 6 scores 2.0, 10 → 20 scores 1.0,
    1 → 2 only 0.33."""
    if not weekly:
        return 0.0
    earlier = weekly[-1 - BASELINE_WEEKS : -1]
    baseline = sum(earlier) / len(earlier) if earlier else 0.0
    return (weekly[-1] - baseline) / max(baseline, floor)


@dataclass(frozen=True, slots=True)
class Trend:
    """One theme's or actor's weekly counts and how it moves."""

    label: str
    weekly: list[int]  # oldest first; the last is this week
    score: float

    @property
    def this_week(self) -> int:
        """Items this week."""
        return self.weekly[-1] if self.weekly else 0

    @property
    def baseline(self) -> float:
        """Mean items a week over the weeks before this one (up to four)."""
        earlier = self.weekly[-1 - BASELINE_WEEKS : -1]
        return sum(earlier) / len(earlier) if earlier else 0.0

    @property
    def rising(self) -> bool:
        """Enough items this week and clearly more than before."""
        return self.this_week >= RISING_MIN and self.score >= RISING_SCORE


def weekly_trends(daily: dict[str, dict[str, int]], end: date, weeks: int) -> list[Trend]:
    """A Trend per label from its daily counts; at least BASELINE_WEEKS + 1 weeks are
    counted so the score has its baseline, the series keeps `weeks` of them."""
    span = max(weeks, BASELINE_WEEKS + 1)
    out = []
    for label, counts in daily.items():
        series = weekly_series(counts, end, span)
        out.append(Trend(label, series[-weeks:], rising_score(series)))
    return out


def top_rising(trends: list[Trend], limit: int = 10) -> list[Trend]:
    """The rising trends, highest score first (then most items, then by name)."""
    rising = [t for t in trends if t.rising]
    rising.sort(key=lambda t: (-t.score, -t.this_week, t.label))
    return rising[:limit]
