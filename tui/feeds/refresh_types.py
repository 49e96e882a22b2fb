"""What a refresh takes and gives: PollSettings (the [poll] table of config.toml), one
FeedResult per feed, and the RefreshSummary of a run."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

from tui import __version__

DEFAULT_USER_AGENT = f"aigeo/{__version__} (+terminal feed reader)"
Outcome = Literal["updated", "unchanged", "not_modified", "error", "gone", "skipped"]
OK_OUTCOMES: frozenset[str] = frozenset({"updated", "unchanged", "not_modified"})


def default_workers() -> int:
    """One parse worker per core, at most four."""
    return max(1, min(4, os.cpu_count() or 1))


@dataclass(slots=True)
class PollSettings:
    """Every limit of the refresh engine (all configurable; defaults are polite and safe)."""

    concurrency: int = 16  # requests in flight overall (httpx burns CPU past ~16)
    # = concurrency: one host serving many feeds (a hub, a newsroom's 80 feeds) is not
    # throttled below the global limit; 16 requests in flight is still polite
    per_host: int = 16  # requests in flight to one host:port
    deadline_s: float = 30.0  # total time for one feed's fetch, redirects included
    connect_timeout_s: float = 10.0
    max_bytes: int = 10 * 1024 * 1024  # raw and decompressed body cap
    max_redirects: int = 5
    parse_deadline_s: float = 30.0  # a parse running longer is abandoned
    parse_workers: int = field(default_factory=default_workers)
    max_items: int = 500  # entries kept per feed and fetch
    keep_items: int = 0  # items kept per feed (0: all); user-marked ones always (store.retention)
    user_agent: str = DEFAULT_USER_AGENT
    trust_env: bool = True  # honour HTTP(S)_PROXY / NO_PROXY from the environment
    min_interval_s: float = 30 * 60.0
    default_interval_s: float = 60 * 60.0
    max_interval_s: float = 24 * 3600.0
    backoff_base_s: float = 5 * 60.0
    backoff_cap_s: float = 24 * 3600.0
    jitter: float = 0.1  # ± fraction applied to every next-check interval

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> tuple[PollSettings, list[str]]:
        """Settings from a TOML table such as `[poll]`; unknown or ill-typed keys are reported.

        Returns the settings (defaults where a value was refused) and the problems found.
        """
        settings, problems = cls(), []
        kinds = {f.name: type(getattr(settings, f.name)) for f in fields(cls)}
        for key, value in values.items():
            kind = kinds.get(key)
            if kind is None:
                problems.append(f"poll.{key}: unknown setting")
            elif kind is float and isinstance(value, int | float) and not isinstance(value, bool):
                if value < 0:
                    problems.append(f"poll.{key}: must not be negative")
                else:
                    setattr(settings, key, float(value))
            elif kind is int and isinstance(value, int) and not isinstance(value, bool):
                if value < 1:
                    problems.append(f"poll.{key}: must be at least 1")
                else:
                    setattr(settings, key, value)
            elif kind is not int and kind is not float and isinstance(value, kind):
                setattr(settings, key, value)
            else:
                problems.append(f"poll.{key}: expected {kind.__name__}, got {value!r}")
        return settings, problems


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
