"""PollSettings: every limit of the refresh engine (the [poll] table of config.toml).

Its own module, apart from tui.feeds.refresh_types, because the dashboard validates the
[poll] table before its first frame and needs nothing else of a refresh then (the two
other dataclasses there cost ~1.5 ms of start-up to define).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from typing import Any

from tui import __version__

DEFAULT_USER_AGENT = f"aigeo/{__version__} (+terminal feed reader)"


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
