"""Feed bytes → safe, normalised entries.

RSS, Atom and RDF go through feedparser (which defines what an item is); JSON Feed
1.0/1.1, which feedparser 6.0.x cannot read, goes through a small lenient parser of our
own. The format is told by content, never by name or Content-Type.

`parse_feed` runs in a worker process (the poller's ProcessPoolExecutor): it takes and
returns plain picklable data, touches no network, disk or database, and mutates no
global state. It never raises for bad input: problems become `error` / `warning`.

Decisions (each has tests):
- feedparser runs with `sanitize_html=False, resolve_relative_uris=False` (about 2.4x
  less CPU); we sanitise with nh3 and resolve links ourselves (`tui.text`). It is
  given a BytesIO (a bytes argument may be opened as a file name), entity
  declarations other than plain literals are removed first (billion laughs, XXE), and
  a synthetic base URL (see `_unsynthesise`) so that relative ids stay as written.
- not a feed: no bytes → "empty document"; an HTML page or an OPML list → an error
  (autodiscovery from HTML is a later issue); ill-formed XML with no entries → an
  error; well-formed XML of no feed format → no entries, a warning, no error.
- guid: entry id, else its link, else the content hash; over 1,024 chars → its sha256.
  Within one feed the first entry keeps a duplicated guid; a later one gets
  ``guid#<12 hex of a hash of its link and content hash>`` (stable across refetches
  and positions); an exact copy (same guid, link and content) is dropped and counted
  in `duplicates`.
- published: the first of published / updated / created that parses, has a possible
  UTC offset and is plausible: before 1990 or more than two days after `now` → skipped,
  None when none is left (the store then sorts by fetch time), so a wrong clock or a
  garbage date never pins an item to the top.
- caps: `max_items` keeps the newest by date (document order among undated ones) and
  returns them in document order; titles 1,000 chars, authors 300, content and
  summary about 1 MB each (`tui.text.MAX_HTML_CHARS`), URLs 4 KiB.
- content = sanitised content HTML, else the summary's; summary = sanitised summary
  unless equal to the content; text = html_to_text(content); plain-text fields are
  escaped into <p> paragraphs first.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import time
import xml.sax
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import feedparser
import feedparser.sgml

from tui.model import NewItem
from tui.text import (
    content_hash,
    html_to_text,
    one_line,
    safe_url,
    sanitize_html,
    text_to_html,
)

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

MAX_TITLE_CHARS = 1_000
MAX_AUTHOR_CHARS = 300
MAX_GUID_CHARS = 1_024
MAX_MESSAGE_CHARS = 300
MAX_TTL_MINUTES = 366 * 24 * 60
EARLIEST_DATE = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=2)

HTML_PAGE_ERROR = "not a feed: looks like an HTML page"  # autodiscovery: a later issue
OPML_ERROR = "not a feed: an OPML subscription list (import it as OPML instead)"
EMPTY_ERROR = "empty document"
INTERNAL_ERROR = "internal parser error"
TOO_COMPLEX_ERROR = "document too large or too complex to parse (out of memory)"


@dataclass
class ParsedFeed:
    """What one feed document holds, sanitised and ready for the store."""

    title: str | None  # terminal-safe one-line text
    site_url: str | None  # http/https only
    format: str  # feedparser's version ("rss20", "atom10", …), "jsonfeed" or "unknown"
    entries: list[NewItem]
    warning: str | None  # a problem, but entries were recovered
    error: str | None  # nothing usable
    ttl_minutes: int | None  # RSS <ttl> or sy:updatePeriod / sy:updateFrequency
    truncated: int = 0  # entries dropped by max_items
    duplicates: int = 0  # exact duplicate entries dropped
    lang: str | None = None  # the feed's language, when given


@dataclass(slots=True)
class _Draft:
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
class _Feed:
    """Feed-level fields and the drafts, as one format reader found them."""

    format: str
    drafts: list[_Draft] = field(default_factory=list)
    title: str | None = None
    title_is_html: bool = False
    link: str | None = None
    lang: str | None = None
    ttl_minutes: int | None = None
    problem: str | None = None  # recoverable if entries were found, else fatal
    notice: str | None = None  # worth telling, never an error
    error: str | None = None


# --------------------------------------------------------------------------- entry point


def parse_feed(
    body: bytes,
    *,
    url: str,
    content_type: str | None = None,
    max_items: int = 500,
    now: datetime | None = None,
    fast: bool = True,
) -> ParsedFeed:
    """Parse one fetched document into sanitised entries; never raises for bad input.

    `url` is the document's URL (base for relative links). `content_type` is the HTTP
    Content-Type, used only for charset detection. `max_items` caps the entries. `now`
    is the fetch time (default: the clock) for the future-date check. `fast=False` runs
    feedparser with its own sanitiser and URI resolution, as its defaults do: slower,
    for comparisons and benchmarks only (links inside its content then point at the
    synthetic base).
    """
    now = now or datetime.now(UTC)
    doc_url = safe_url(url)
    try:
        feed = _read(body, doc_url, content_type, fast)
        if feed.error:
            return _failed(feed.format, feed.error)
        return _finish(feed, doc_url, max(0, max_items), now)
    except MemoryError:  # the worker's memory cap (tui.feeds.workers) stopped a blow-up
        return _failed("unknown", TOO_COMPLEX_ERROR)
    except Exception as exc:  # a parser bug must not take the poller's batch down
        return _failed("unknown", f"{INTERNAL_ERROR} ({type(exc).__name__}: {exc})")


def _failed(fmt: str, error: str) -> ParsedFeed:
    return ParsedFeed(
        title=None,
        site_url=None,
        format=fmt,
        entries=[],
        warning=None,
        error=one_line(error, MAX_MESSAGE_CHARS),
        ttl_minutes=None,
    )


def _read(body: bytes, doc_url: str | None, content_type: str | None, fast: bool) -> _Feed:
    """Dispatch on content: nothing, JSON, or XML (feedparser)."""
    if not _strip_bom(body).strip(b" \t\r\n\x00"):
        return _Feed("unknown", error=EMPTY_ERROR)
    if _looks_like_json(body):
        return _read_json(body)
    return _read_xml(body, doc_url, content_type, fast)


# --------------------------------------------------------------------------- sniffing

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\xff\xfe", b"\xfe\xff")
_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_PROLOG = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<![Dd][Oo][Cc][Tt][Yy][Pp][Ee][^>]*>)", re.S)


def _strip_bom(body: bytes) -> bytes:
    for bom in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :]
    return body


def _looks_like_json(body: bytes) -> bool:
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


def _head(body: bytes) -> bytes:
    """The first 64 KiB, as ASCII-compatible bytes (UTF-16/32 decoded) for sniffing."""
    head = body[:65536]
    for mark, encoding in _WIDE_ENCODINGS:
        if head.startswith(mark):
            skip = len(mark) if mark[:1] != b"<" and mark[-1:] != b"<" else 0
            return head[skip:].decode(encoding, "ignore").encode("utf-8", "ignore")
    return head


def _root_element(head: bytes) -> tuple[str, bool]:
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


def _not_a_feed(head: bytes) -> str | None:
    """An error for documents that are plainly something else than a feed."""
    root, html_doctype = _root_element(head)
    if root in _HTML_ROOTS or root.endswith(":html") or (html_doctype and root not in _FEED_ROOTS):
        return HTML_PAGE_ERROR
    lowered = head.lower()
    if root == "opml" or (b"<outline" in lowered and b"xmlurl=" in lowered):
        return OPML_ERROR
    return None


# --------------------------------------------------------------------------- XML (feedparser)


def _read_xml(body: bytes, doc_url: str | None, content_type: str | None, fast: bool) -> _Feed:
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
    # A BytesIO, never bytes: feedparser treats a bytes argument as a *file name* first.
    parsed = feedparser.parse(
        io.BytesIO(_defuse_entities(_fix_declaration(body))),
        response_headers=headers,
        sanitize_html=not fast,
        resolve_relative_uris=not fast,
    )
    feed = _Feed(parsed.get("version") or "unknown")
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
        head = _head(body)
        feed.error = _not_a_feed(head)
        if not feed.error and feed.problem:
            feed.error = f"not a feed: {feed.problem}"
        elif not feed.error and feed.format == "unknown":
            feed.notice = f"no feed found (root element <{_root_element(head)[0] or '?'}>)"
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


def _draft_from_entry(entry: Any, doc_url: str | None, feed_author: str | None) -> _Draft:
    """One feedparser entry as a draft."""
    title_detail = entry.get("title_detail") or {}
    content = _pick_content(entry.get("content") or [])
    summary = entry.get("summary_detail") or {}
    body = content or summary
    base = safe_url(_unsynthesise(body.get("base")), doc_url)  # xml:base in scope
    return _Draft(
        id=_unsynthesise(_as_str(entry.get("id"))),
        link=_unsynthesise(_as_str(entry.get("link"))),
        title=_as_str(entry.get("title")) or "",
        title_is_html="html" in (title_detail.get("type") or ""),
        author=_author(entry) or feed_author,
        # dict.get: FeedParserDict.get("updated_parsed") silently (and with a
        # DeprecationWarning) answers published_parsed when updated is missing.
        dates=_dates((dict.get(entry, k), dict.get(entry, k + "_parsed")) for k in _DATE_KEYS),
        content=_as_str(content.get("value")) if content else None,
        content_is_html=_is_html_type(content.get("type")) if content else True,
        summary=_as_str(summary.get("value")) if summary else None,
        summary_is_html=_is_html_type(summary.get("type")),
        base=base,
        lang=body.get("language") or title_detail.get("language"),
    )


_DATE_KEYS = ("published", "updated", "created")


def _pick_content(contents: list[Any]) -> dict[str, Any]:
    """The HTML alternative among an entry's contents, else the first one."""
    for item in contents:
        if _is_html_type(item.get("type")) and item.get("value"):
            return item
    return next((item for item in contents if item.get("value")), {})


def _is_html_type(mime: str | None) -> bool:
    return not mime or "html" in mime or "xml" in mime


def _author(node: Any) -> str | None:
    """The author's name of a feedparser entry or feed."""
    detail = node.get("author_detail") or {}
    return _as_str(detail.get("name")) or _as_str(node.get("author"))


def _ttl_minutes(meta: Any) -> int | None:
    """RSS <ttl>, else sy:updatePeriod / sy:updateFrequency, in minutes (None if absent)."""
    ttl = _as_int(meta.get("ttl"))
    if ttl is not None and 0 < ttl <= MAX_TTL_MINUTES:
        return ttl
    period = _as_str(meta.get("sy_updateperiod"))
    minutes = _SY_PERIODS.get((period or "").strip().lower())
    frequency = _as_int(meta.get("sy_updatefrequency"))
    if frequency is None:
        frequency = 1
    if minutes and 0 < frequency <= minutes:
        return minutes // frequency
    return None


_SY_PERIODS = {"hourly": 60, "daily": 1440, "weekly": 10080, "monthly": 43200, "yearly": 525600}


# --------------------------------------------------------------------------- JSON Feed

_JSONFEED_PREFIXES = ("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")
_JSONFEED_VERSIONS = frozenset({"1", "1.1"})


class _JsonFields:
    """Typed access to JSON objects that counts values of the wrong type."""

    def __init__(self) -> None:
        self.wrong = 0

    def text(self, obj: dict[str, Any], key: str) -> str | None:
        value = obj.get(key)
        if value is None or isinstance(value, str):
            return value or None
        self.wrong += 1
        return None

    def ident(self, obj: dict[str, Any], key: str) -> str | None:
        """JSON Feed ids are strings; a number is coerced, as the spec asks."""
        value = obj.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return self.text(obj, key)

    def authors(self, obj: dict[str, Any]) -> str | None:
        """`authors` (1.1) or `author` (1.0) names, comma-joined."""
        value = obj.get("authors")
        if value is None and obj.get("author") is not None:
            value = [obj.get("author")]
        if value is None:
            return None
        if not isinstance(value, list):
            self.wrong += 1
            return None
        names = []
        for person in value:
            if not isinstance(person, dict):
                self.wrong += 1
            elif name := self.text(person, "name"):
                names.append(name)
        return ", ".join(names) or None


def _read_json(body: bytes) -> _Feed:
    """A JSON Feed (1.0 / 1.1), read leniently: wrong-typed fields are ignored and counted."""
    feed = _Feed("jsonfeed")
    try:
        doc = json.loads(body)
    except UnicodeDecodeError:
        feed.error = "invalid JSON Feed: not UTF-8/16/32 text"
    except json.JSONDecodeError as exc:
        feed.error = (
            f"invalid JSON Feed: malformed or truncated JSON "
            f"({exc.msg} at line {exc.lineno} column {exc.colno})"
        )
    except ValueError as exc:  # e.g. an integer longer than Python's 4,300-digit limit
        feed.error = f"invalid JSON Feed: {str(exc).split(';')[0]}"
    except RecursionError:
        feed.error = "invalid JSON Feed: nested too deeply"
    if feed.error:
        return feed
    problems = _check_json_feed(doc, feed)
    if feed.error:
        return feed
    fields = _JsonFields()
    feed.title = fields.text(doc, "title")
    feed.link = fields.text(doc, "home_page_url")
    feed.lang = fields.text(doc, "language")
    feed_author = fields.authors(doc)
    skipped = 0
    for item in doc["items"]:
        if isinstance(item, dict):
            feed.drafts.append(_draft_from_json(item, fields, feed_author))
        else:
            skipped += 1
    if skipped:
        problems.append(f"{skipped} items that are not objects skipped")
    if fields.wrong:
        problems.append(f"{fields.wrong} fields of the wrong type ignored")
    if problems:
        feed.problem = "invalid JSON Feed: " + "; ".join(problems)
    return feed


def _check_json_feed(doc: Any, feed: _Feed) -> list[str]:
    """Set `feed.error` for JSON that is not a JSON Feed; return recoverable problems."""
    if not isinstance(doc, dict):
        kind = type(doc).__name__
        feed.error = f"invalid JSON Feed: the document is a JSON {kind}, not an object"
        return []
    version = doc.get("version")
    items = doc.get("items")
    if version is None and items is None:
        feed.error = "invalid JSON Feed: no version and no items (JSON, but not a JSON Feed)"
        return []
    if not isinstance(items, list):
        feed.error = "invalid JSON Feed: items is missing or not a list"
        return []
    if not isinstance(version, str):
        return ["no version"]
    if not version.startswith(_JSONFEED_PREFIXES):
        return [f"version {version[:40]!r} is not a jsonfeed.org version URL"]
    if version.rsplit("/", 1)[-1] not in _JSONFEED_VERSIONS:
        return [f"unknown version {version[:60]!r}"]
    return []


def _draft_from_json(item: dict[str, Any], fields: _JsonFields, feed_author: str | None) -> _Draft:
    html = fields.text(item, "content_html")
    text = fields.text(item, "content_text")
    return _Draft(
        id=fields.ident(item, "id"),
        link=fields.text(item, "url") or fields.text(item, "external_url"),
        title=fields.text(item, "title") or "",
        title_is_html=False,
        author=fields.authors(item) or feed_author,
        dates=_dates(
            (None, _parse_date_text(fields.text(item, key)))
            for key in ("date_published", "date_modified")
        ),
        content=html or text,
        content_is_html=html is not None,
        summary=fields.text(item, "summary"),
        summary_is_html=False,
        lang=fields.text(item, "language"),
    )


def _parse_date_text(value: str | None) -> datetime | None:
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


# --------------------------------------------------------------------------- normalising


def _finish(feed: _Feed, doc_url: str | None, max_items: int, now: datetime) -> ParsedFeed:
    """Drafts → sanitised, deduplicated, capped items, plus the feed's fields."""
    upper = now + FUTURE_SLACK
    published = [
        next((d for d in draft.dates if EARLIEST_DATE <= d <= upper), None) for draft in feed.drafts
    ]
    kept, truncated = _choose(published, max_items)
    feed_lang = _lang(feed.lang)
    items = [_build_item(feed.drafts[i], published[i], doc_url, feed_lang) for i in kept]
    items, duplicates = _unique_guids(items)
    if feed.problem and not items:
        return _failed(feed.format, feed.problem)
    warning = f"{feed.problem}; {len(items)} entries recovered" if feed.problem else feed.notice
    title = html_to_text(feed.title) if feed.title_is_html else feed.title
    return ParsedFeed(
        title=one_line(title, MAX_TITLE_CHARS) or None,
        site_url=safe_url(feed.link, doc_url),
        format=feed.format,
        entries=items,
        warning=one_line(warning, MAX_MESSAGE_CHARS) or None,
        error=None,
        ttl_minutes=feed.ttl_minutes,
        truncated=truncated,
        duplicates=duplicates,
        lang=feed_lang,
    )


def _choose(dates: list[datetime | None], max_items: int) -> tuple[list[int], int]:
    """Indexes of at most `max_items` entries: the newest by date, else the first ones,
    in document order; and how many were dropped."""
    if len(dates) <= max_items:
        return list(range(len(dates))), 0
    oldest = datetime.min.replace(tzinfo=UTC)
    ranked = sorted(  # stable: equal keys keep document order, even reversed
        range(len(dates)),
        key=lambda i: (dates[i] is not None, dates[i] or oldest),
        reverse=True,
    )
    return sorted(ranked[:max_items]), len(dates) - max_items


def _build_item(
    draft: _Draft, published: datetime | None, doc_url: str | None, feed_lang: str | None
) -> NewItem:
    """One sanitised item from a draft."""
    link = safe_url(draft.link, doc_url)
    base = draft.base or link or doc_url
    title = html_to_text(draft.title) if draft.title_is_html else draft.title
    title = one_line(title, MAX_TITLE_CHARS)
    content = _safe_html(draft.content, draft.content_is_html, base)
    summary = _safe_html(draft.summary, draft.summary_is_html, base)
    content = content or summary
    text = html_to_text(content, sanitized=True) if content else ""
    digest = content_hash(title, text)
    return NewItem(
        guid=_guid(draft.id, link, digest),
        title=title,
        url=link,
        author=one_line(draft.author, MAX_AUTHOR_CHARS) or None,
        published=published.replace(microsecond=0).isoformat() if published else None,
        summary=summary if summary and summary != content else None,
        content=content or None,
        text=text,
        content_hash=digest,
        lang=_lang(draft.lang) or feed_lang,
        canonical_url=canonical_url(link),
    )


def _safe_html(value: str | None, is_html: bool, base: str | None) -> str:
    if not value:
        return ""
    return sanitize_html(value if is_html else text_to_html(value), base)


def _guid(entry_id: str | None, link: str | None, digest: str) -> str:
    """Entry id, else link, else content hash; over-long ids are replaced by their hash."""
    guid = one_line(entry_id, MAX_GUID_CHARS * 4) if entry_id else ""
    if len(guid) > MAX_GUID_CHARS:
        guid = "sha256:" + hashlib.sha256(guid.encode("utf-8")).hexdigest()
    return guid or link or digest


def _unique_guids(items: list[NewItem]) -> tuple[list[NewItem], int]:
    """Make guids unique within the feed (see the module docstring); count drops."""
    seen: dict[str, str] = {}
    unique: list[NewItem] = []
    dropped = 0
    for item in items:
        identity = _identity(item)
        if item.guid in seen:
            alternative = f"{item.guid}#{identity[:12]}"
            if seen[item.guid] == identity or alternative in seen:
                dropped += 1
                continue
            item.guid = alternative
        seen[item.guid] = identity
        unique.append(item)
    return unique, dropped


def _identity(item: NewItem) -> str:
    """What tells two entries sharing a guid apart: their link and content hash."""
    return hashlib.sha256(f"{item.url}\n{item.content_hash}".encode()).hexdigest()


# --------------------------------------------------------------------------- small values

_LANG = re.compile(r"^[a-z]{1,8}(?:-[a-z0-9]{1,8})*$")


def _lang(value: str | None) -> str | None:
    """A BCP 47-looking language tag, lowercased ("en-us"), or None."""
    if not value or not isinstance(value, str):
        return None
    tag = value.strip().replace("_", "-").lower()
    return tag if len(tag) <= 35 and _LANG.match(tag) else None


def _as_str(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    return None


def _as_int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _struct_to_datetime(value: Any) -> datetime | None:
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


def _impossible_offset(raw: Any) -> bool:
    """True for a date whose numeric UTC offset cannot exist (+9999, -2500, +0575):
    feedparser applies it anyway and yields a wrong but plausible time."""
    match = _OFFSET.search(raw) if isinstance(raw, str) else None
    return bool(match) and (int(match.group(2)) > 14 or int(match.group(3)) > 59)


def _dates(candidates: Any) -> tuple[datetime, ...]:
    """The (raw text, parsed value) candidates that convert to a datetime, in UTC."""
    found = []
    for raw, value in candidates:
        if _impossible_offset(raw):
            continue
        parsed = _struct_to_datetime(value)
        if parsed is not None:
            try:
                found.append(parsed.astimezone(UTC))
            except (ValueError, OverflowError):
                continue
    return tuple(found)


# --------------------------------------------------------------------------- canonical URLs

_TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
        "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "vero_id",
        "oly_anon_id", "oly_enc_id", "rb_clickid", "s_cid", "ref_src", "ref_url", "cmpid",
        "spm", "ncid", "sr_share", "at_medium", "at_campaign",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str | None) -> str | None:
    """A link normalised for cross-source dedupe, or None for non-http(s) links.

    Lowercase scheme and host, no default port, no fragment, no tracking parameters
    (utm_*, fbclid, gclid, …; the rest keep their order), no trailing slash on the path.
    """
    url = safe_url(url)
    if not url:
        return None
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return None
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    if parts.username or parts.password:
        host = f"{parts.netloc.rsplit('@', 1)[0]}@{host}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _tracking(k)]
    )
    return urlunsplit((scheme, host, parts.path.rstrip("/"), query, ""))


def _tracking(param: str) -> bool:
    name = param.lower()
    return name in _TRACKING_PARAMS or name.startswith(_TRACKING_PREFIXES)


__all__ = ["ParsedFeed", "canonical_url", "parse_feed"]
