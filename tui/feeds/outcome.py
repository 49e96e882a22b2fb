"""What one fetch's outcome writes on its source: health fields and the next check time.

Pure functions of the source, the response and the result (and the settings and a
random source for jitter), kept apart from the Poller so the scheduling rules read in
one place: adaptive / TTL / max-age after a success, backoff after a failure, never
before a Retry-After; a 410 disables the source with a reason that says how to retry.
"""

from __future__ import annotations

import random
from http import HTTPStatus

from tui.feeds.fetch import FetchResponse
from tui.feeds.refresh_types import FeedResult, PollSettings
from tui.feeds.schedule import (
    adaptive_interval,
    backoff_interval,
    iso_after,
    jittered,
    success_interval,
)
from tui.model import Source


def http_reason(status: int) -> str:
    """'HTTP 410 Gone' (or 'HTTP 599' for a status without a phrase)."""
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def outcome_fields(
    source: Source, response: FetchResponse, result: FeedResult, now: str
) -> dict[str, object]:
    """The source's health columns after this fetch (sets `result.error_count`)."""
    fields: dict[str, object] = {"checked_at": now, "status": response.status}
    if result.ok:
        fields |= {"ok_at": now, "error": None, "error_count": 0}
        if source.disabled:
            fields |= {"disabled": 0, "disabled_reason": None}
    else:
        result.error_count = source.error_count + 1
        fields |= {"error": result.error, "error_count": result.error_count}
        if result.outcome == "gone":
            fields |= {
                "disabled": 1,
                "disabled_reason": (
                    f"{http_reason(410)} on {now[:10]}: the publisher removed this feed "
                    f"(`aigeo refresh --source {source.id}` tries it again)"
                ),
            }
    return fields


def next_check_at(
    s: PollSettings,
    rng: random.Random,
    source: Source,
    response: FetchResponse,
    result: FeedResult,
    ttl_minutes: int | None,
    item_times: list[str],
) -> str:
    """The next check time: adaptive/TTL/max-age after success, backoff after failure."""
    retry_after = response.retry_after_s
    if result.ok:
        adaptive = adaptive_interval(
            item_times,
            default_s=s.default_interval_s,
            min_s=s.min_interval_s,
            max_s=s.max_interval_s,
        )
        wait = success_interval(
            adaptive_s=adaptive,
            ttl_minutes=ttl_minutes,
            max_age_s=response.max_age_s,
            retry_after_s=retry_after,
            min_s=s.min_interval_s,
            max_s=s.max_interval_s,
        )
    else:
        wait = backoff_interval(
            source.error_count + 1,
            base_s=s.backoff_base_s,
            cap_s=s.backoff_cap_s,
            retry_after_s=retry_after,
        )
    wait = jittered(wait, s.jitter, rng)
    if retry_after and wait < retry_after:  # jitter never lands before a Retry-After
        wait = retry_after * (1 + rng.uniform(0, s.jitter))
    return iso_after(wait)
