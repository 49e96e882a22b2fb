"""JSON Feed 1.0 / 1.1 (which feedparser 6.0.x cannot read), read leniently: fields of
the wrong type are ignored and counted, never fatal.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from tui.feeds.feeddoc import EntryDraft, FeedDoc, FeedFormat, candidate_dates, parse_date_text
from tui.feeds.sniff import looks_like_json
from tui.text import replace_surrogates_deep

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


def read_json_feed(body: bytes) -> FeedDoc:
    """A JSON Feed (1.0 / 1.1), read leniently: wrong-typed fields are ignored and counted."""
    feed = FeedDoc("jsonfeed")
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
    if b"\\u" in body or b"\\\x00u" in body:  # only \u escapes spell a lone surrogate
        doc = replace_surrogates_deep(doc)
    feed.error, problems = _check_json_feed(doc)
    if feed.error:
        return feed
    fields = _JsonFields()
    feed.title = plain_title(fields.text(doc, "title"))
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


def _check_json_feed(doc: Any) -> tuple[str | None, list[str]]:
    """(the error for JSON that is not a JSON Feed, else None; recoverable problems)."""
    if not isinstance(doc, dict):
        kind = type(doc).__name__
        return f"invalid JSON Feed: the document is a JSON {kind}, not an object", []
    version = doc.get("version")
    items = doc.get("items")
    if version is None and items is None:
        return "invalid JSON Feed: no version and no items (JSON, but not a JSON Feed)", []
    if not isinstance(items, list):
        return "invalid JSON Feed: items is missing or not a list", []
    if not isinstance(version, str):
        return None, ["no version"]
    if not version.startswith(_JSONFEED_PREFIXES):
        return None, [f"version {version[:40]!r} is not a jsonfeed.org version URL"]
    if version.rsplit("/", 1)[-1] not in _JSONFEED_VERSIONS:
        return None, [f"unknown version {version[:60]!r}"]
    return None, []


_CHAR_REF = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def plain_title(title: str | None) -> str | None:
    """A JSON Feed title with its character references decoded.

    The spec makes titles plain text, but WordPress and others write them HTML-escaped
    ("Blog &#8211; InfluxData", seen in ../shared/corpus): shown as is, the reference
    is noise, and a plain title with a literal `&#8211;` in it is far rarer. Only whole
    references are decoded (html.unescape), so "AT&T" and "R&D" stay as they are; the
    result is still plain text (markup in it stays inert, as for every title).
    """
    if title and "&" in title and _CHAR_REF.search(title):
        return html.unescape(title)
    return title


def _draft_from_json(
    item: dict[str, Any], fields: _JsonFields, feed_author: str | None
) -> EntryDraft:
    html = fields.text(item, "content_html")
    text = fields.text(item, "content_text")
    return EntryDraft(
        id=fields.ident(item, "id"),
        link=fields.text(item, "url") or fields.text(item, "external_url"),
        title=plain_title(fields.text(item, "title")) or "",
        title_is_html=False,
        author=fields.authors(item) or feed_author,
        dates=candidate_dates(
            (None, parse_date_text(fields.text(item, key)))
            for key in ("date_published", "date_modified")
        ),
        content=html or text,
        content_is_html=html is not None,
        summary=fields.text(item, "summary"),
        summary_is_html=False,
        lang=fields.text(item, "language"),
    )


FORMAT = FeedFormat(
    "jsonfeed", looks_like_json, lambda body, _url, _type, _fast: read_json_feed(body)
)
