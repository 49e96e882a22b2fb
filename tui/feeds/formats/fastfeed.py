"""A fast reader for plain, well-formed RSS 2.0 and Atom 1.0: feedparser's result, sooner.

`read_fast` returns what `feedparser.parse` would return for the keys the RSS/Atom
reader (tui.feeds.formats.rss_atom) looks at (version, feed title/link/language/author/
TTL fields, every entry's id, links, title, content, summary, author and dates), built
as plain dicts of the same shape, or None: then the caller runs feedparser, the
reference. None is always correct; a different answer is a bug, so anything this module
does not know for certain is None:

- the bytes: an encoding feedparser would not call UTF-8 (by its RFC 3023 rules: the
  Content-Type's charset, the XML declaration, a BOM), a non-XML Content-Type (feedparser
  flags it), bytes that are not UTF-8, a DOCTYPE or entity declaration, `xml:base` or
  `base=` anywhere, ill-formed XML (expat says so);
- the shape: a root other than `<rss version="2.x">` or Atom 1.0's `<feed>`, an element or
  attribute not listed below (in a namespace other than those named), child elements
  inside a text element (inline XHTML), Atom `type="xhtml"` or out-of-line content,
  a text element that occurs twice in one entry (feedparser's answer then depends on
  its order and nesting rules), no entries at all (feedparser's error wording).

Why stdlib ElementTree and not lxml: it is the same expat that feedparser's SAX reader
uses, so character data, CDATA, character references, line ends and attribute values
come out identical by construction; its C tree builder reads a 300 KB feed in about
2 ms, small next to what is left (sanitising, classifying); and it adds no dependency.

What feedparser does to each value is repeated in its order (fast_values.Reader): strip,
resolve URI-valued elements against the base, guess HTML in RSS plain-text elements
(`looks_like_html`), re-decode UTF-8 read as Latin-1, map the C1 range as cp1252, and for
links feedparser's `&amp;` repairs. Dates go through feedparser's own `_parse_date`.
tests/feeds/test_parse_differential.py holds both readers equal on the shared corpus and
the bench farm.

Layout: this module decides (bytes, then root element); fast_bytes checks the bytes,
fast_values holds what both readers share, fast_rss and fast_atom read one format each.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tui.feeds.formats.fast_atom import AtomReader
from tui.feeds.formats.fast_bytes import plain_prolog, plain_utf8
from tui.feeds.formats.fast_rss import RssReader
from tui.feeds.formats.fast_values import ATOM, FastResult, Unsure


def read_fast(body: bytes, content_type: str | None, base: str) -> FastResult | None:
    """(version, feed, entries) as feedparser would have them, or None (use feedparser).

    `content_type` is what feedparser is given as the Content-Type header; `base` is
    its Content-Location (the base URIs are resolved against).
    """
    if not plain_utf8(body, content_type) or not plain_prolog(body):
        return None
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return None
    except (ValueError, RecursionError, OverflowError):
        return None
    try:
        if root.tag == "rss":
            result = RssReader(base).read(root)
        elif root.tag == f"{{{ATOM}}}feed":
            result = AtomReader(base).read(root)
        else:
            return None
    except Unsure:
        return None
    return result if result[2] else None


__all__ = ["FastResult", "read_fast"]
