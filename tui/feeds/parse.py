"""Feed bytes → safe, normalised entries.

The format is told by content, never by name or Content-Type: each registered format
(tui/feeds/formats/: JSON Feed, then RSS/Atom/RDF through feedparser) sniffs the first
bytes and the first that accepts reads the document into a FeedDoc (tui.feeds.feeddoc,
the formats' contract); this module turns the FeedDoc into sanitised NewItems.

`parse_feed` runs in a worker process (the poller's ProcessPoolExecutor): it takes and
returns plain picklable data, touches no network, disk or database, and mutates no
global state. It never raises for bad input: problems become `error` / `warning`.

Decisions (each has tests):
- feedparser runs with `sanitize_html=False, resolve_relative_uris=False` (about 2.4x
  less CPU); we sanitise with nh3 and resolve links ourselves (`tui.text`). It is
  given a BytesIO (a bytes argument may be opened as a file name), entity
  declarations other than plain literals are removed first (billion laughs, XXE), and
  a synthetic base URL (see `formats.rss_atom._unsynthesise`) keeps relative ids as written.
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
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tui.feeds.feeddoc import EntryDraft, FeedDoc
from tui.feeds.formats import reader_for
from tui.feeds.preselect import preselect_entries
from tui.feeds.sniff import HTML_PAGE_ERROR, OPML_ERROR, looks_like_json, strip_bom
from tui.model import NewItem
from tui.text import content_hash, html_to_text, one_line, safe_url, sanitize_html, text_to_html

MAX_TITLE_CHARS = 1_000
MAX_AUTHOR_CHARS = 300
MAX_GUID_CHARS = 1_024
MAX_MESSAGE_CHARS = 300
EARLIEST_DATE = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=2)

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
        dropped = 0
        if not looks_like_json(body):  # a huge feed: feedparser reads only the newest
            body, dropped = preselect_entries(body, max(0, max_items), now)
        feed = _read(body, doc_url, content_type, fast)
        if feed.error:
            return _failed(feed.format, feed.error)
        parsed = _finish(feed, doc_url, max(0, max_items), now)
        parsed.truncated += dropped
        return parsed
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


def _read(body: bytes, doc_url: str | None, content_type: str | None, fast: bool) -> FeedDoc:
    """Dispatch on content: nothing, else the first registered format that accepts it."""
    if not strip_bom(body).strip(b" \t\r\n\x00"):
        return FeedDoc("unknown", error=EMPTY_ERROR)
    return reader_for(body).read(body, doc_url, content_type, fast)


# --------------------------------------------------------------------------- normalising


def _finish(feed: FeedDoc, doc_url: str | None, max_items: int, now: datetime) -> ParsedFeed:
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
    draft: EntryDraft, published: datetime | None, doc_url: str | None, feed_lang: str | None
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


__all__ = [
    "EMPTY_ERROR",
    "HTML_PAGE_ERROR",
    "INTERNAL_ERROR",
    "OPML_ERROR",
    "TOO_COMPLEX_ERROR",
    "ParsedFeed",
    "canonical_url",
    "parse_feed",
]
