"""Trends: per-theme daily counts, sparklines and a rising/falling mark (no I/O)."""

from __future__ import annotations

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
