"""Differential test of the parse fast path: expat's buffered text vs feedparser as is.

The RSS/Atom reader sets `buffer_text` on the expat parser feedparser uses (see
`tui.feeds.formats.rss_atom.BUFFER_TEXT`), so each text run reaches feedparser in one call
instead of one per entity reference. Every file of the shared corpus (../shared/corpus, all 622
rows, with the Content-Type and Content-Location the manifest names) and a sample of
the bench farm's feeds (RSS and Atom, a back catalogue, a changed version) go through
`parse_feed` both ways; the results must be equal field for field: every item's guid,
title, link, dates, author, content, summary, text, hash and language, the feed's
title, link, format, TTL, warning and error.

Deliberate differences: none.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest

import tui.feeds.formats.rss_atom
from tests.bench.farm import render_feed
from tests.feeds.test_corpus_feeds import CORPUS, NO_CAP, rows
from tui.feeds.parse import parse_feed

NOW = datetime(2025, 7, 1, tzinfo=UTC)
FARM_FEEDS = [(0, 0), (1, 0), (2, 0), (5, 0), (7, 0), (10, 1), (32, 0)]  # (feed, version)


@contextmanager
def buffered(on: bool) -> Iterator[None]:
    saved = tui.feeds.formats.rss_atom.BUFFER_TEXT
    tui.feeds.formats.rss_atom.BUFFER_TEXT = on
    try:
        yield
    finally:
        tui.feeds.formats.rss_atom.BUFFER_TEXT = saved


def both_ways(body: bytes, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    with buffered(False):
        plain = dataclasses.asdict(parse_feed(body, now=NOW, **kwargs))
    with buffered(True):
        fast = dataclasses.asdict(parse_feed(body, now=NOW, **kwargs))
    return plain, fast


def test_the_fast_path_is_on_by_default() -> None:
    assert tui.feeds.formats.rss_atom.BUFFER_TEXT


def test_every_corpus_file_parses_the_same_both_ways() -> None:
    checked = entries = 0
    for row in rows():
        body = (CORPUS / row.path).read_bytes()
        plain, fast = both_ways(body, url=row.url, content_type=row.content_type, max_items=NO_CAP)
        assert fast == plain, row.path
        checked += 1
        entries += len(plain["entries"])
    assert checked == 622 and entries > 1000


@pytest.mark.parametrize(("feed", "version"), FARM_FEEDS)
def test_bench_farm_feeds_parse_the_same_both_ways(feed: int, version: int) -> None:
    body = render_feed(1, feed, version)
    plain, fast = both_ways(body, url=f"http://127.0.0.1:8000/f{feed}")
    assert plain["entries"] and fast == plain
    assert all("&lt;" not in e["text"] for e in fast["entries"])  # escaped HTML was read
