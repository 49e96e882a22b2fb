"""Telling documents apart by their first bytes: BOMs, UTF-16/32, the root element, and
documents that are plainly not feeds (HTML pages, OPML lists).
"""

from __future__ import annotations

import json
import re

HTML_PAGE_ERROR = "not a feed: looks like an HTML page"  # autodiscovery: a later issue
OPML_ERROR = "not a feed: an OPML subscription list (import it as OPML instead)"

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\xff\xfe", b"\xfe\xff")
_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_PROLOG = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<![Dd][Oo][Cc][Tt][Yy][Pp][Ee][^>]*>)", re.S)


def strip_bom(body: bytes) -> bytes:
    for bom in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :]
    return body


def looks_like_json(body: bytes) -> bool:
    """True when the document starts (after a BOM and blanks) with `{` or `[`."""
    head = body[:1024]
    try:
        text = head.decode(json.detect_encoding(head), errors="ignore")
    except LookupError:
        return False
    return text.lstrip("\ufeff \t\r\n").startswith(("{", "["))


_WIDE_ENCODINGS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00", "utf-16-le"),
    (b"\x00<", "utf-16-be"),
)


def sniff_head(body: bytes) -> bytes:
    """The first 64 KiB, as ASCII-compatible bytes (UTF-16/32 decoded) for sniffing."""
    head = body[:65536]
    for mark, encoding in _WIDE_ENCODINGS:
        if head.startswith(mark):
            skip = len(mark) if mark[:1] != b"<" and mark[-1:] != b"<" else 0
            return head[skip:].decode(encoding, "ignore").encode("utf-8", "ignore")
    return head


def root_element(head: bytes) -> tuple[str, bool]:
    """The lowercased name of the first element ("" if none) and whether an HTML
    doctype came before it."""
    pos = 0
    html_doctype = False
    while m := _PROLOG.match(head, pos):
        html_doctype = html_doctype or bool(re.match(rb"\s*<!doctype\s+html", m.group(0), re.I))
        pos = m.end()
    root = _ROOT.search(head, pos)
    return (root.group(1).decode("ascii", "ignore").lower() if root else ""), html_doctype


_HTML_ROOTS = frozenset({"html", "head", "body", "meta", "title"})
_FEED_ROOTS = frozenset({"rss", "feed", "rdf:rdf", "rdf", "channel", "entry"})


def not_a_feed(head: bytes) -> str | None:
    """An error for documents that are plainly something else than a feed."""
    root, html_doctype = root_element(head)
    if root in _HTML_ROOTS or root.endswith(":html") or (html_doctype and root not in _FEED_ROOTS):
        return HTML_PAGE_ERROR
    lowered = head.lower()
    if root == "opml" or (b"<outline" in lowered and b"xmlurl=" in lowered):
        return OPML_ERROR
    return None
