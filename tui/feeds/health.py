"""A source's health at a glance: ok, stale, failing, disabled or not fetched yet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tui.feeds.schedule import parse_time
from tui.model import Source

STALE_AFTER = timedelta(days=3)  # no successful fetch for this long: stale


@dataclass(frozen=True, slots=True)
class Health:
    """The state name, a one-character mark and a sentence for the user."""

    state: str  # "ok" | "stale" | "failing" | "disabled" | "new" | "seed"
    mark: str
    detail: str


def source_health(source: Source, now: datetime) -> Health:
    """How a source is doing, judged from its stored fetch fields."""
    if source.kind != "feed":
        return Health("seed", " ", "shipped with aigeo; never fetched")
    if source.disabled:
        return Health("disabled", "⊘", f"disabled: {source.disabled_reason or source.error or '?'}")
    if source.error_count:
        times = "once" if source.error_count == 1 else f"{source.error_count} times in a row"
        return Health("failing", "✗", f"failed {times}: {source.error or 'unknown error'}")
    ok_at = parse_time(source.ok_at) if source.ok_at else None
    if ok_at is None:
        return Health("new", "·", "not fetched yet: press r (this source) or R (all)")
    if now - ok_at > STALE_AFTER:
        return Health("stale", "~", f"no successful fetch since {source.ok_at[:16]}")
    return Health("ok", "✓", f"ok; last fetched {source.ok_at[:16]}")
