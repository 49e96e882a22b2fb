"""What the fast RSS and Atom readers share: namespaces, the "unsure" signal, and
feedparser's treatment of every value (tui.feeds.formats.fastfeed explains the rules)."""

from __future__ import annotations

import contextlib
import re
import xml.etree.ElementTree as ET
from typing import Any

from feedparser.datetimes import _parse_date
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.urls import _urljoin

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
SY = "http://purl.org/rss/1.0/modules/syndication/"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XML_LANG = f"{{{XML_NS}}}lang"

NO_ATTRS: frozenset[str] = frozenset()  # an element that must carry no attribute
Entry = dict[str, Any]
FastResult = tuple[str, dict[str, Any], list[Entry]]  # version, feed, entries


class Unsure(Exception):
    """This document is not one the fast reader can read with certainty."""


def latin1_utf8_cp1252(value: str) -> str:
    """feedparser's last steps on every text value: UTF-8 read as Latin-1 is re-decoded,
    then the C1 range is mapped as cp1252."""
    if value.isascii():
        return value
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        value = value.encode("iso-8859-1").decode("utf-8")
    return value.translate(_cp1252)


LINK_ENTITY = re.compile("&([A-Za-z0-9_]+);")


def no_children(element: ET.Element) -> str:
    """The text of an element that must hold text only."""
    if len(element):
        raise Unsure("child elements in a text element")
    return element.text or ""


def lang_of(element: ET.Element, inherited: str | None) -> str | None:
    """xml:lang in scope, as feedparser tracks it ('' means none)."""
    if XML_LANG not in element.attrib:
        return inherited
    return element.attrib[XML_LANG] or None


def known_attrs(element: ET.Element, allowed: frozenset[str]) -> dict[str, str]:
    """The element's attributes, lowercased names (feedparser's), all of them known."""
    out: dict[str, str] = {}
    for name, value in element.attrib.items():
        if name == XML_LANG:
            continue
        if name not in allowed:
            raise Unsure(f"attribute {name}")
        key = name.lower()
        out[key] = value.lower() if key in ("rel", "type") else value
    return out


_EMAIL = re.compile(
    r"""(([a-zA-Z0-9\_\-\.\+]+)@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([a-zA-Z0-9\-]+\.)+))([a-zA-Z]{2,4}|[0-9]{1,3})(\]?))(\?subject=\S+)?"""
)


def author_from_text(context: dict[str, Any]) -> None:
    """feedparser's `_sync_author_detail` for an author given as one text (RSS)."""
    author = context.get("author")
    if not author:
        return
    detail: dict[str, str] = {}
    email = None
    match = _EMAIL.search(author)
    if match:
        email = match.group(0)
        author = author.replace(email, "").replace("()", "").replace("<>", "")
        author = author.replace("&lt;&gt;", "").strip()
        if author and author[0] == "(":
            author = author[1:]
        if author and author[-1] == ")":
            author = author[:-1]
        author = author.strip()
    if author or email:
        context.setdefault("author_detail", detail)
    if author:
        detail["name"] = author
    if email:
        detail["email"] = email


MIME_ALIASES = {"text": "text/plain", "plain": "text/plain", "html": "text/html",
                 "xhtml": "application/xhtml+xml"}  # fmt: skip


def mime_of(attrs: dict[str, str], default: str) -> str:
    """feedparser's map_content_type, for the types this reader accepts."""
    mime = attrs.get("type", default)
    mime = MIME_ALIASES.get(mime, mime)
    if mime not in ("text/plain", "text/html"):
        raise Unsure(f"content type {mime}")
    return mime


class Reader:
    """What the RSS and Atom readers share: feedparser's treatment of values."""

    version = ""

    def __init__(self, base: str) -> None:
        self.base = base
        self.feed: dict[str, Any] = {}
        self.entries: list[Entry] = []
        self._joined: dict[str, str] = {}  # an item's link and guid are often the same

    def text(self, element: ET.Element, *, uri: bool = False) -> str:
        """feedparser's `pop` of a text element: stripped, resolved when a URI, repaired."""
        value = no_children(element).strip()
        if uri and value:
            value = self.join(value)
        return latin1_utf8_cp1252(value)

    def join(self, uri: str) -> str:
        """feedparser's resolve_uri: `uri` against the base (memoised)."""
        joined = self._joined.get(uri)
        if joined is None:
            joined = self._joined[uri] = _urljoin(self.base, uri)
        return joined

    def content(
        self, element: ET.Element, default_type: str, lang: str | None, allowed: frozenset[str]
    ) -> dict[str, Any]:
        """A text construct as feedparser's `*_detail` dict (type, language, base, value)."""
        mime = mime_of(known_attrs(element, allowed), default_type)
        value = no_children(element).strip()
        rss = not self.version.startswith("atom")
        if rss and mime == "text/plain" and _FeedParserMixin.looks_like_html(value):
            mime = "text/html"
        language = lang.replace("_", "-") if lang else lang
        return {
            "type": mime,
            "language": language,
            "base": self.base,
            "value": latin1_utf8_cp1252(value),
        }

    def date(self, context: Entry, key: str, element: ET.Element) -> None:
        value = self.text(element)
        context[key] = value
        context[key + "_parsed"] = _parse_date(value)

    def result(self) -> FastResult:
        return self.version, self.feed, self.entries


def once(seen: set[str], key: str) -> None:
    """A text element twice in one context: feedparser's answer depends on its rules for
    order and depth; leave it to feedparser."""
    if key in seen:
        raise Unsure(f"{key} twice")
    seen.add(key)
