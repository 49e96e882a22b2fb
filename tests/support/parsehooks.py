"""Parse functions the poller tests inject into the worker processes.

They live in their own small module because the workers import them by name.
"""

from __future__ import annotations

import time

from tui.feeds.workers import ParseJob, ParseOutcome, parse_and_classify

HANG_MARKER = b"<!-- hang the parser -->"


def hanging_parse(job: ParseJob) -> ParseOutcome:
    """Hangs (like feedparser on a pathological feed) when the body carries the marker."""
    if HANG_MARKER in job.body:
        time.sleep(3600)
    return parse_and_classify(job)


def exploding_parse(job: ParseJob) -> ParseOutcome:
    """Fails loudly: for tests where nothing may be parsed."""
    raise AssertionError(f"parse was called for {job.url}")


def slow_parse(job: ParseJob) -> ParseOutcome:
    """Parses 50 ms late: fetching outruns parsing, as on a cold refresh of many feeds."""
    time.sleep(0.05)
    return parse_and_classify(job)
