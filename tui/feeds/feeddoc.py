"""The contract between the feed formats and the parser: what a format reader returns.

A reader turns one document into a FeedDoc of EntryDrafts, as written (unsanitised,
format-independent); tui.feeds.parse sanitises, dates, deduplicates and caps them. A
new format is a module in tui/feeds/formats/ with a FeedFormat, listed in FORMATS.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any


@dataclass(slots=True)
class EntryDraft:
    """One entry as read from a document, before sanitising (format-independent)."""

    id: str | None = None
    link: str | None = None
    title: str = ""
    title_is_html: bool = False
    author: str | None = None
    dates: tuple[datetime, ...] = ()  # published, updated, created: those that parsed
    content: str | None = None
    content_is_html: bool = True
    summary: str | None = None
    summary_is_html: bool = True
    base: str | None = None  # xml:base in scope, absolute, for relative links in content
    lang: str | None = None


@dataclass(slots=True)
class FeedDoc:
    """Feed-level fields and the drafts, as one format reader found them."""

    format: str
    drafts: list[EntryDraft] = field(default_factory=list)
    title: str | None = None
    title_is_html: bool = False
    link: str | None = None
    lang: str | None = None
    ttl_minutes: int | None = None
    problem: str | None = None  # recoverable if entries were found, else fatal
    notice: str | None = None  # worth telling, never an error
    error: str | None = None


@dataclass(frozen=True, slots=True)
class FeedFormat:
    """One feed format the parser reads: a cheap test on the document and its reader.

    `sniff(body)` looks only at the first bytes; `read(body, doc_url, content_type, fast)`
    returns a FeedDoc (never raises for bad input: problems go in `problem` / `error`).
    Formats are tried in the order of tui.feeds.formats.FORMATS; the last accepts anything.
    """

    name: str
    sniff: Callable[[bytes], bool]
    read: Callable[[bytes, str | None, str | None, bool], FeedDoc]


# --------------------------------------------------------------------------- values
# Helpers for readers filling drafts from loosely typed documents.


def as_str(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    return None


def as_int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def struct_to_datetime(value: Any) -> datetime | None:
    """feedparser's UTC struct_time as an aware datetime; impossible values → None."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, time.struct_time | tuple) or len(value) < 6:
        return None
    try:
        year, month, day, hour, minute, second = (int(v) for v in value[:6])
        return datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


_OFFSET = re.compile(r"([+-])(\d\d):?(\d\d)\s*$")


def impossible_offset(raw: Any) -> bool:
    """True for a date whose numeric UTC offset cannot exist (+9999, -2500, +0575):
    feedparser applies it anyway and yields a wrong but plausible time."""
    match = _OFFSET.search(raw) if isinstance(raw, str) else None
    return match is not None and (int(match.group(2)) > 14 or int(match.group(3)) > 59)


def candidate_dates(candidates: Any) -> tuple[datetime, ...]:
    """The (raw text, parsed value) candidates that convert to a datetime, in UTC."""
    found = []
    for raw, value in candidates:
        if impossible_offset(raw):
            continue
        parsed = struct_to_datetime(value)
        if parsed is not None:
            try:
                found.append(parsed.astimezone(UTC))
            except (ValueError, OverflowError):
                continue
    return tuple(found)


def parse_date_text(value: str | None) -> datetime | None:
    """RFC 3339 (JSON Feed), else RFC 822; naive times are taken as UTC."""
    if not value:
        return None
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
