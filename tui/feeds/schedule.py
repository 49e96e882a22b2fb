"""When to check a feed next: pure functions over seconds (no I/O, no clock of their own).

A healthy feed is checked at an adaptive interval (about half the usual gap between its
items), never sooner than its TTL, its Cache-Control max-age or a Retry-After allow. A
failing feed backs off exponentially up to a cap (about a day) and is never given up on.
Every interval gets a little jitter so that many feeds do not fall due together.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from itertools import pairwise

RETRY_AFTER_CEILING_S = 7 * 86400  # a server asking for more than a week is not believed


def parse_time(value: str) -> datetime | None:
    """An ISO 8601 timestamp as an aware UTC datetime (None when unreadable)."""
    try:
        when = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def iso_after(seconds: float, now: datetime | None = None) -> str:
    """The UTC ISO time `seconds` from `now`, at seconds precision."""
    now = now or datetime.now(UTC)
    return (now + timedelta(seconds=seconds)).replace(microsecond=0).isoformat()


def jittered(seconds: float, jitter: float, rng: random.Random | None = None) -> float:
    """`seconds` moved randomly by up to ±`jitter` (a fraction)."""
    uniform = rng.uniform if rng is not None else random.uniform
    return seconds * (1.0 + uniform(-jitter, jitter))


def adaptive_interval(
    item_times: list[str], *, default_s: float, min_s: float, max_s: float
) -> float:
    """Half the median gap between a feed's recent items, within [min_s, max_s].

    A feed with fewer than three dated items gets `default_s`.
    """
    times = sorted(t for t in (parse_time(v) for v in item_times) if t is not None)
    if len(times) < 3:
        return default_s
    gaps = sorted((b - a).total_seconds() for a, b in pairwise(times))
    middle = len(gaps) // 2  # the median (statistics costs ~5 ms to import, every refresh)
    median = gaps[middle] if len(gaps) % 2 else (gaps[middle - 1] + gaps[middle]) / 2
    return min(max_s, max(min_s, median / 2))


def success_interval(
    *,
    adaptive_s: float,
    ttl_minutes: int | None,
    max_age_s: int | None,
    retry_after_s: float | None,
    min_s: float,
    max_s: float,
) -> float:
    """The wait after a good fetch: the adaptive interval, raised to what the feed asks."""
    wait = adaptive_s
    if ttl_minutes and ttl_minutes > 0:
        wait = max(wait, ttl_minutes * 60.0)
    if max_age_s and max_age_s > 0:
        wait = max(wait, float(max_age_s))
    wait = min(max_s, max(min_s, wait))
    if retry_after_s:
        wait = max(wait, min(retry_after_s, RETRY_AFTER_CEILING_S))
    return wait


def backoff_interval(
    error_count: int,
    *,
    base_s: float,
    cap_s: float,
    retry_after_s: float | None = None,
) -> float:
    """The wait after the `error_count`-th failure in a row: base·2^(n-1), capped.

    A Retry-After from the server is honoured even past the cap (up to a week).
    """
    exponent = max(0, min(error_count - 1, 30))
    wait = min(cap_s, base_s * (2.0**exponent))
    if retry_after_s:
        wait = max(wait, min(retry_after_s, RETRY_AFTER_CEILING_S))
    return wait
