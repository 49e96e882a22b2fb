"""The feed format registry: every format the parser reads, in the order they are tried.

A format is a module here with a `FORMAT` (a tui.feeds.feeddoc.FeedFormat: a name, a
sniff on the first bytes, a reader returning a FeedDoc). Adding one is that module and
its line in FORMATS, before the RSS/Atom fallback, which accepts anything.
"""

from __future__ import annotations

from tui.feeds.feeddoc import FeedFormat
from tui.feeds.formats import jsonfeed, rss_atom

FORMATS: tuple[FeedFormat, ...] = (jsonfeed.FORMAT, rss_atom.FORMAT)


def reader_for(body: bytes) -> FeedFormat:
    """The first registered format that accepts the document."""
    return next(fmt for fmt in FORMATS if fmt.sniff(body))


__all__ = ["FORMATS", "FeedFormat", "reader_for"]
