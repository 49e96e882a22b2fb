"""Parse functions the poller tests inject into the worker processes.

They live in their own small module because the workers import them by name.
`real_or_standin` is tui.parsework.parse_and_classify once tui.parse and tui.themes
exist; until then a tiny feedparser-based stand-in with the same output shape.
"""

from __future__ import annotations

import hashlib
import importlib.util
import time

from tui.model import Classification, NewItem
from tui.parsework import ParseJob, ParseOutcome, parse_and_classify

HANG_MARKER = b"<!-- hang the parser -->"


def integrated() -> bool:
    """True when the real parse and themes modules are importable."""
    return all(importlib.util.find_spec(name) for name in ("tui.parse", "tui.themes"))


def standin_parse(job: ParseJob) -> ParseOutcome:
    """A stand-in for tui.parse + tui.themes: feedparser, guid fallback, content hash."""
    import feedparser

    parsed = feedparser.parse(job.body, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.entries and not parsed.feed.get("title"):
        return ParseOutcome.failed("no feed found")
    entries = []
    for entry in parsed.entries[: job.max_items]:
        title = entry.get("title", "")
        text = entry.get("summary", "")
        digest = hashlib.sha256(f"{title}\n{text}".casefold().encode()).hexdigest()[:32]
        link = entry.get("link")
        item = NewItem(
            guid=entry.get("id") or link or digest,
            title=title,
            url=link,
            text=text,
            content_hash=digest,
            canonical_url=link,
        )
        entries.append((item, Classification()))
    ttl = parsed.feed.get("ttl")
    return ParseOutcome(
        entries=entries,
        title=parsed.feed.get("title"),
        site_url=parsed.feed.get("link"),
        format=parsed.get("version", ""),
        ttl_minutes=int(ttl) if ttl and str(ttl).isdigit() else None,
        truncated=max(0, len(parsed.entries) - job.max_items),
    )


def real_or_standin(job: ParseJob) -> ParseOutcome:
    """The real worker function when it exists, else the stand-in."""
    if integrated():
        return parse_and_classify(job)
    return standin_parse(job)


def hanging_parse(job: ParseJob) -> ParseOutcome:
    """Hangs (like feedparser on a pathological feed) when the body carries the marker."""
    if HANG_MARKER in job.body:
        time.sleep(3600)
    return real_or_standin(job)


def exploding_parse(job: ParseJob) -> ParseOutcome:
    """Fails loudly: for tests where nothing may be parsed."""
    raise AssertionError(f"parse was called for {job.url}")
