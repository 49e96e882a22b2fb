"""RSS (0.9x, 2.0), RDF (RSS 1.0) and Atom, read by feedparser from bytes only.

feedparser defines what an item is; it runs with `sanitize_html=False,
resolve_relative_uris=False` (tui.feeds.parse sanitises and resolves), is given a
BytesIO, entity declarations other than plain literals are removed first (billion
laughs, XXE), and a synthetic base URL keeps relative ids as written. The fallback
format: it accepts any document the others did not. Plain, well-formed RSS 2.0 and
Atom 1.0 are read by tui.feeds.formats.fastfeed instead, which builds feedparser's
result for the keys read here or declines (see FAST).
"""

from __future__ import annotations

import io
import re
import xml.sax
import xml.sax.expatreader
from typing import Any

import feedparser
import feedparser.sgml

from tui.feeds.feeddoc import EntryDraft, FeedDoc, FeedFormat, as_int, as_str, candidate_dates
from tui.feeds.formats.fastfeed import read_fast
from tui.feeds.sniff import not_a_feed, root_element, sniff_head
from tui.text import safe_url

# feedparser's lenient (sgmllib) parser, used when a document is not well-formed XML,
# finds the end of a tag with a regex whose repeated group keeps a backtracking record
# per character: one 5 MB tag or unquoted attribute cost ~900 MB of memory. Here is the
# same pattern with an atomic group and a possessive repeat (Python 3.11): each step of
# the repeat is deterministic and the lookahead can only succeed at `<`/`>`, which no
# step consumes, so giving steps back never produced a match and the result is
# identical, in constant memory. (Set once, at import, in every process that parses.)
_TAG_END = re.compile(
    r"""((?>[^'"<>]+|"[^"]*"(?=>|/|\s|\w+=)|'[^']*'(?=>|/|\s|\w+=))*+(?=[<>])|.*?(?=[<>]))"""
)
if hasattr(getattr(feedparser.sgml.sgmllib, "endbracket", None), "endbracket"):
    feedparser.sgml.sgmllib.endbracket.endbracket = _TAG_END

# expat hands text to feedparser in pieces: every entity or character reference and
# every buffer boundary starts a new `characters` call, so escaped HTML (`&lt;p&gt;…`,
# what most feeds carry) cost one Python call per few characters through feedparser's
# handlers (about two thirds of its CPU on the bench farm). With `buffer_text` expat
# joins each text run first. feedparser only appends the pieces to a list and joins
# them at the element's end, and a text run never spans a tag, so the result is
# identical (tests/feeds/test_parse_differential.py checks the shared corpus and the
# bench farm both ways). (Set once, at import, in every process that parses.)
BUFFER_TEXT = True
EXPAT_BUFFER_BYTES = 1 << 16
_expat_reset = xml.sax.expatreader.ExpatParser.reset


def _reset_buffered(self: xml.sax.expatreader.ExpatParser) -> None:
    _expat_reset(self)
    if BUFFER_TEXT:
        expat = self._parser  # type: ignore[attr-defined]  # typeshed omits the private field
        expat.buffer_text = True
        expat.buffer_size = EXPAT_BUFFER_BYTES


xml.sax.expatreader.ExpatParser.reset = _reset_buffered  # type: ignore[method-assign]

MAX_TTL_MINUTES = 366 * 24 * 60

# Plain, well-formed RSS 2.0 and Atom 1.0 are read by tui.feeds.formats.fastfeed (about
# 4x less CPU than feedparser's SAX handlers), which answers None for anything it cannot
# read exactly as feedparser would; feedparser then reads it. Off: feedparser for all
# (tests/feeds/test_parse_differential.py compares the two).
FAST = True


def read_rss_atom(
    body: bytes, doc_url: str | None, content_type: str | None, fast: bool
) -> FeedDoc:
    """RSS/Atom/RDF through feedparser, from bytes only (never a URL or a path)."""
    # feedparser resolves links, ids and xml:base against Content-Location. We give it
    # a synthetic base and map the results back (_unsynthesise): links are then resolved
    # against the real document URL, while relative ids (reddit's "t3_…", numeric
    # guids) stay as written, so guids do not change when a feed moves (http → https).
    # Without a Content-Type, any header makes feedparser flag "no Content-type";
    # application/xml means "trust the document", as no headers at all would.
    headers = {
        "content-type": content_type or "application/xml",
        "content-location": SYNTHETIC_BASE,
    }
    quick = read_fast(body, headers["content-type"], SYNTHETIC_BASE) if fast and FAST else None
    if quick is not None:  # plain RSS 2.0 / Atom 1.0: feedparser's answer, built sooner
        version, meta, entries = quick
        parsed: Any = {"version": version, "feed": meta, "entries": entries}
    else:
        # A BytesIO, never bytes: feedparser treats a bytes argument as a file name first.
        parsed = feedparser.parse(
            io.BytesIO(_defuse_entities(_fix_declaration(body))),
            response_headers=headers,
            sanitize_html=not fast,
            resolve_relative_uris=not fast,
        )
    feed = FeedDoc(parsed.get("version") or "unknown")
    meta = parsed.get("feed", {})
    title_detail = meta.get("title_detail") or {}
    feed.title = meta.get("title")
    feed.title_is_html = "html" in (title_detail.get("type") or "")
    feed.link = _unsynthesise(meta.get("link"))
    feed.lang = meta.get("language")
    feed.ttl_minutes = _ttl_minutes(meta)
    feed_author = _author(meta)
    feed.drafts = [_draft_from_entry(e, doc_url, feed_author) for e in parsed.get("entries", [])]
    if parsed.get("bozo"):
        feed.problem = _describe_bozo(parsed.get("bozo_exception"))
    if not feed.drafts:
        head = sniff_head(body)
        feed.error = not_a_feed(head)
        if not feed.error and feed.problem:
            feed.error = f"not a feed: {feed.problem}"
        elif not feed.error and feed.format == "unknown":
            feed.notice = f"no feed found (root element <{root_element(head)[0] or '?'}>)"
    return feed


_DECLARED_ENCODING = re.compile(rb"""^(\s*<\?xml\b[^>]*?)\s+encoding\s*=\s*(["'])(.*?)\2""")
_ENCODING_NAME = re.compile(rb"[A-Za-z][A-Za-z0-9._:-]{0,39}")


def _fix_declaration(body: bytes) -> bytes:
    """Drop an XML declaration's encoding when it is not a plausible name (feedparser
    6.0.x crashes on non-UTF-8 bytes there); the encoding is then sniffed."""
    match = _DECLARED_ENCODING.match(body[:512])
    if not match or _ENCODING_NAME.fullmatch(match.group(3)):
        return body
    return match.group(1) + body[match.end() :]


_FIRST_ELEMENT = re.compile(rb"<\w")
_ENTITY_DECL = re.compile(rb"<!ENTITY\b[^>]*>")
_SAFE_ENTITY_DECL = re.compile(rb'<!ENTITY\s+\w+\s+"(?:&#\w+;|[^&"%]*)"\s*>')


def _defuse_entities(body: bytes) -> bytes:
    """Drop DTD entity declarations other than plain literals (nested, parameter and
    external ones) before any XML parser sees them.

    feedparser means to do this, but its patterns only match declarations at the start
    of a line; a one-line billion-laughs DTD then reaches expat, which stops at its
    amplification limit only after seconds of CPU and tens of MB.
    """
    first = _FIRST_ELEMENT.search(body)
    end = first.start() if first else len(body)
    if b"<!ENTITY" not in body[:end]:
        return body
    prolog = _ENTITY_DECL.sub(
        lambda m: m.group(0) if _SAFE_ENTITY_DECL.fullmatch(m.group(0)) else b"", body[:end]
    )
    return prolog + body[end:]


_SYNTHETIC_ORIGIN = "https://base.aigeo.invalid"
_SYNTHETIC_DIRS = tuple(f"_aigeo{i}" for i in range(12))
SYNTHETIC_BASE = _SYNTHETIC_ORIGIN + "/" + "/".join(_SYNTHETIC_DIRS) + "/"
_REF_SPLIT = re.compile(r"[?#]")


def _unsynthesise(url: str | None) -> str | None:
    """The document's own reference behind a URL feedparser resolved against
    SYNTHETIC_BASE: relative as written ("t3_x", "../a", "?p=1", "/root"), with any
    xml:base applied. Absolute URLs come back unchanged."""
    if not url or not url.startswith(_SYNTHETIC_ORIGIN + "/"):
        return url
    if url == SYNTHETIC_BASE:  # href=".", "./" or "": the document's folder, not nothing
        return "./"
    rest = url[len(_SYNTHETIC_ORIGIN) :]
    cut = _REF_SPLIT.search(rest)
    path, suffix = (rest[: cut.start()], rest[cut.start() :]) if cut else (rest, "")
    segments = path.split("/")[1:]
    common = 0
    while (
        common < len(_SYNTHETIC_DIRS)
        and common < len(segments) - 1
        and segments[common] == _SYNTHETIC_DIRS[common]
    ):
        common += 1
    if common == 0:
        return path + suffix  # root-relative in the document
    return "../" * (len(_SYNTHETIC_DIRS) - common) + "/".join(segments[common:]) + suffix


def _describe_bozo(exc: object) -> str:
    """A short human description of feedparser's bozo exception."""
    name = type(exc).__name__
    message = str(exc) if exc is not None else ""
    if isinstance(exc, xml.sax.SAXParseException):
        return f"ill-formed XML (line {exc.getLineNumber()}: {exc.getMessage()})"
    labels = {
        "CharacterEncodingOverride": "encoding mismatch",
        "CharacterEncodingUnknown": "unknown character encoding",
        "NonXMLContentType": "served with a non-XML content type",
        "UndeclaredNamespace": "undeclared XML namespace",
    }
    label = labels.get(name, f"parse problem {name}")
    return f"{label} ({message})" if message else label


def _draft_from_entry(entry: Any, doc_url: str | None, feed_author: str | None) -> EntryDraft:
    """One feedparser entry as a draft."""
    title_detail = entry.get("title_detail") or {}
    content = _pick_content(entry.get("content") or [])
    summary = entry.get("summary_detail") or {}
    body = content or summary
    base = safe_url(_unsynthesise(body.get("base")), doc_url)  # xml:base in scope
    return EntryDraft(
        id=_unsynthesise(as_str(entry.get("id"))),
        link=_unsynthesise(_entry_link(entry)),
        title=as_str(entry.get("title")) or "",
        title_is_html="html" in (title_detail.get("type") or ""),
        author=_author(entry) or feed_author,
        # dict.get: FeedParserDict.get("updated_parsed") silently (and with a
        # DeprecationWarning) answers published_parsed when updated is missing.
        dates=candidate_dates(
            (dict.get(entry, k), dict.get(entry, k + "_parsed")) for k in _DATE_KEYS
        ),
        content=as_str(content.get("value")) if content else None,
        content_is_html=_is_html_type(content.get("type")) if content else True,
        summary=as_str(summary.get("value")) if summary else None,
        summary_is_html=_is_html_type(summary.get("type")),
        base=base,
        lang=body.get("language") or title_detail.get("language"),
    )


_DATE_KEYS = ("published", "updated", "created")
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def _entry_link(entry: Any) -> str | None:
    """The entry's web link, as feedparser resolved it (against SYNTHETIC_BASE).

    The first alternate link with an href wins, so an enclosure listed first never
    becomes the item's link (feedparser's own `link` can be it). A link that is only the
    guid/id resolved as a URL is kept only when the id is written as an absolute URL: an
    RSS guid "12345" or an Atom id "1" is an identifier, not a page on the feed's host.
    """
    links = [link for link in entry.get("links") or [] if isinstance(link, dict)]
    raw_id = _unsynthesise(as_str(entry.get("id"))) or ""
    made_up = None if _ABSOLUTE.match(raw_id) else as_str(entry.get("id"))
    for candidate in links:
        href = as_str(candidate.get("href"))
        if href and href != made_up and candidate.get("rel", "alternate") == "alternate":
            return href
    link = as_str(entry.get("link"))
    enclosures = {
        candidate.get("href") for candidate in links if candidate.get("rel") == "enclosure"
    }
    return None if link is None or link == made_up or link in enclosures else link


def _pick_content(contents: list[Any]) -> dict[str, Any]:
    """The HTML alternative among an entry's contents, else the first one."""
    for item in contents:
        if _is_html_type(item.get("type")) and item.get("value"):
            return dict(item)
    return dict(next((item for item in contents if item.get("value")), {}))


def _is_html_type(mime: str | None) -> bool:
    return not mime or "html" in mime or "xml" in mime


def _author(node: Any) -> str | None:
    """The author's name of a feedparser entry or feed."""
    detail = node.get("author_detail") or {}
    return as_str(detail.get("name")) or as_str(node.get("author"))


def _ttl_minutes(meta: Any) -> int | None:
    """RSS <ttl>, else sy:updatePeriod / sy:updateFrequency, in minutes (None if absent)."""
    ttl = as_int(meta.get("ttl"))
    if ttl is not None and 0 < ttl <= MAX_TTL_MINUTES:
        return ttl
    period = as_str(meta.get("sy_updateperiod"))
    minutes = _SY_PERIODS.get((period or "").strip().lower())
    frequency = as_int(meta.get("sy_updatefrequency"))
    if frequency is None:
        frequency = 1
    if minutes and 0 < frequency <= minutes:
        return minutes // frequency
    return None


_SY_PERIODS = {"hourly": 60, "daily": 1440, "weekly": 10080, "monthly": 43200, "yearly": 525600}


FORMAT = FeedFormat("rss-atom", lambda body: True, read_rss_atom)
