"""What a refresh takes and gives: PollSettings (the [poll] table of config.toml, defined in
tui.feeds.poll_settings), one FeedResult per feed, and the RefreshSummary of a run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from tui.feeds.poll_settings import DEFAULT_USER_AGENT, PollSettings, default_workers

Outcome = Literal["updated", "unchanged", "not_modified", "error", "gone", "skipped"]
OK_OUTCOMES: frozenset[str] = frozenset({"updated", "unchanged", "not_modified"})


@dataclass(slots=True)
class FeedResult:
    """What refreshing one source did (one per source, passed to the progress callback)."""

    source_id: int
    title: str
    url: str
    outcome: Outcome = "error"
    status: int | None = None
    new_items: int = 0
    updated_items: int = 0
    nbytes: int = 0
    duration_ms: int = 0
    parsed: bool = False
    classified: int = 0  # parsed entries the lexicon ran on (not those stored unchanged)
    error: str | None = None
    warning: str | None = None
    moved_to: str | None = None
    next_check_at: str | None = None
    error_count: int = 0  # failures in a row, this one included (0 after a success)
    alerts: int = 0  # watched views' alerts its new items raised
    removed_items: int = 0  # old items deleted by the [poll] keep_items cap

    @property
    def ok(self) -> bool:
        """True for a fetch that worked (new items, same body or 304)."""
        return self.outcome in OK_OUTCOMES

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self) | {"ok": self.ok}


@dataclass(slots=True)
class RefreshSummary:
    """The results of one refresh run."""

    results: list[FeedResult] = field(default_factory=list)
    seconds: float = 0.0
    recycled_parsers: int = 0
    cancelled: bool = False
    pending_alerts: list[Any] = field(default_factory=list, repr=False)  # for the hooks

    @property
    def total(self) -> int:
        """Sources considered (skipped ones included)."""
        return len(self.results)

    @property
    def ok(self) -> int:
        """Sources fetched successfully."""
        return sum(r.ok for r in self.results)

    @property
    def failed(self) -> int:
        """Sources that failed (errors and 410s)."""
        return sum(r.outcome in ("error", "gone") for r in self.results)

    @property
    def skipped(self) -> int:
        """Sources not fetched because their server asked us to wait."""
        return sum(r.outcome == "skipped" for r in self.results)

    @property
    def new_items(self) -> int:
        """Items stored for the first time."""
        return sum(r.new_items for r in self.results)

    @property
    def alerts(self) -> int:
        """Alerts raised by watched views (one per view and story)."""
        return sum(r.alerts for r in self.results)

    @property
    def all_failed(self) -> bool:
        """True when something was attempted and nothing worked."""
        return self.failed > 0 and self.ok == 0

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: the counts, then one entry per source."""
        return {
            "total": self.total,
            "ok": self.ok,
            "failed": self.failed,
            "skipped": self.skipped,
            "new_items": self.new_items,
            "alerts": self.alerts,
            "seconds": round(self.seconds, 3),
            "cancelled": self.cancelled,
            "results": [r.to_json() for r in self.results],
        }


ProgressCallback = Callable[[int, int, FeedResult], None]


__all__ = [
    "DEFAULT_USER_AGENT",
    "OK_OUTCOMES",
    "FeedResult",
    "Outcome",
    "PollSettings",
    "RefreshSummary",
    "default_workers",
]
