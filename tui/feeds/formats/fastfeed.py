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

What feedparser does to each value is repeated here in its order (see `_Text`): strip,
resolve URI-valued elements against the base, guess HTML in RSS plain-text elements
(`looks_like_html`), re-decode UTF-8 read as Latin-1, map the C1 range as cp1252, and for
links feedparser's `&amp;` repairs. Dates go through feedparser's own `_parse_date`.
tests/feeds/test_parse_differential.py holds both readers equal on the shared corpus and
the bench farm.
"""

from __future__ import annotations

import codecs
import contextlib
import re
import xml.etree.ElementTree as ET
from typing import Any

from feedparser.datetimes import _parse_date
from feedparser.encodings import RE_XML_PI_ENCODING, parse_content_type
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.urls import _urljoin

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
SY = "http://purl.org/rss/1.0/modules/syndication/"
XML_NS = "http://www.w3.org/XML/1998/namespace"
_XML_LANG = f"{{{XML_NS}}}lang"

Entry = dict[str, Any]
FastResult = tuple[str, dict[str, Any], list[Entry]]  # version, feed, entries


class _Unsure(Exception):
    """This document is not one the fast reader can read with certainty."""


def read_fast(body: bytes, content_type: str | None, base: str) -> FastResult | None:
    """(version, feed, entries) as feedparser would have them, or None (use feedparser).

    `content_type` is what feedparser is given as the Content-Type header; `base` is
    its Content-Location (the base URIs are resolved against).
    """
    if not _plain_utf8(body, content_type) or not _plain_prolog(body):
        return None
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return None
    except (ValueError, RecursionError, OverflowError):
        return None
    try:
        if root.tag == "rss":
            result = _Rss(base).read(root)
        elif root.tag == f"{{{ATOM}}}feed":
            result = _Atom(base).read(root)
        else:
            return None
    except _Unsure:
        return None
    return result if result[2] else None


# --------------------------------------------------------------------------- the bytes

_APPLICATION_XML = (
    "application/xml",
    "application/xml-dtd",
    "application/xml-external-parsed-entity",
)
_TEXT_XML = ("text/xml", "text/xml-external-parsed-entity")
_DECLARATION = re.compile(rb"<\?xml\s[^>]*?\?>")
_DECLARED = re.compile(rb"""\bencoding\s*=\s*["']([^"']*)["']""")


def _is_utf8(name: str) -> bool:
    try:
        return codecs.lookup(name).name == "utf-8"
    except LookupError:
        return False


def _plain_utf8(body: bytes, content_type: str | None) -> bool:
    """True when feedparser would read `body` as UTF-8 without a complaint, and expat
    reads the same bytes as UTF-8 too (feedparser.encodings.convert_to_utf8's rules)."""
    if body[:3] == codecs.BOM_UTF8:
        body = body[3:]
    elif body[:1] != b"<":  # other BOMs, UTF-16/32, EBCDIC, leading blanks: feedparser's
        return False
    match = RE_XML_PI_ENCODING.match(body.split(b"\n", 1)[0])
    xml_encoding = match.group(1).decode("utf-8", "replace").lower() if match else ""
    declaration = _DECLARATION.match(body)
    declared = _DECLARED.search(declaration.group(0)) if declaration else None
    if declared and not _is_utf8(declared.group(1).decode("ascii", "replace")):
        return False
    mime, charset = parse_content_type(content_type or "application/xml")
    if mime in _APPLICATION_XML or (mime.startswith("application/") and mime.endswith("+xml")):
        encoding = charset or xml_encoding or "utf-8"
    elif mime in _TEXT_XML or (mime.startswith("text/") and mime.endswith("+xml")):
        encoding = charset or "us-ascii"
    else:
        return False  # feedparser: NonXMLContentType
    if not _is_utf8(encoding) and not (
        encoding.lower() in ("us-ascii", "ascii") and body.isascii()
    ):
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")


# A `base` attribute, any prefix and case (feedparser lowercases attribute names and
# reads `foo:base=` as `base`), and the namespaces that make feedparser call the
# document RSS 0.90 or 1.0 when declared. Searched in the lowercased bytes, and only
# where a plain substring test finds a candidate (a 300 KB feed costs ~0.1 ms then).
_BASE = re.compile(rb"[\s:]base\s*=")
_OLD_RSS = re.compile(rb"""["']http://purl\.org/rss/1\.0/["']|my\.netscape\.com/rdf""")


def _plain_prolog(body: bytes) -> bool:
    """No DTD or entity declarations; no xml:base; no RSS 0.90/1.0 namespace."""
    first = _FIRST_ELEMENT.search(body)
    prolog = body[: first.start()] if first else body
    if b"<!" in prolog.replace(b"<!--", b""):
        return False
    low = body.lower()
    if b"base" in low and _BASE.search(low):
        return False
    return not ((b"/rss/1.0/" in low or b"netscape" in low) and _OLD_RSS.search(low))


# --------------------------------------------------------------------------- values


def _latin1_utf8_cp1252(value: str) -> str:
    """feedparser's last steps on every text value: UTF-8 read as Latin-1 is re-decoded,
    then the C1 range is mapped as cp1252."""
    if value.isascii():
        return value
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        value = value.encode("iso-8859-1").decode("utf-8")
    return value.translate(_cp1252)


_LINK_ENTITY = re.compile("&([A-Za-z0-9_]+);")


def _no_children(element: ET.Element) -> str:
    """The text of an element that must hold text only."""
    if len(element):
        raise _Unsure("child elements in a text element")
    return element.text or ""


def _lang_of(element: ET.Element, inherited: str | None) -> str | None:
    """xml:lang in scope, as feedparser tracks it ('' means none)."""
    if _XML_LANG not in element.attrib:
        return inherited
    return element.attrib[_XML_LANG] or None


def _attrs(element: ET.Element, allowed: frozenset[str]) -> dict[str, str]:
    """The element's attributes, lowercased names (feedparser's), all of them known."""
    out: dict[str, str] = {}
    for name, value in element.attrib.items():
        if name == _XML_LANG:
            continue
        if name not in allowed:
            raise _Unsure(f"attribute {name}")
        key = name.lower()
        out[key] = value.lower() if key in ("rel", "type") else value
    return out


_EMAIL = re.compile(
    r"""(([a-zA-Z0-9\_\-\.\+]+)@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([a-zA-Z0-9\-]+\.)+))([a-zA-Z]{2,4}|[0-9]{1,3})(\]?))(\?subject=\S+)?"""
)


def _author_from_text(context: dict[str, Any]) -> None:
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


_MIME_ALIASES = {"text": "text/plain", "plain": "text/plain", "html": "text/html",
                 "xhtml": "application/xhtml+xml"}  # fmt: skip


def _content_type(attrs: dict[str, str], default: str) -> str:
    """feedparser's map_content_type, for the types this reader accepts."""
    mime = attrs.get("type", default)
    mime = _MIME_ALIASES.get(mime, mime)
    if mime not in ("text/plain", "text/html"):
        raise _Unsure(f"content type {mime}")
    return mime


class _Reader:
    """What the RSS and Atom readers share: feedparser's treatment of values."""

    version = ""

    def __init__(self, base: str) -> None:
        self.base = base
        self.feed: dict[str, Any] = {}
        self.entries: list[Entry] = []
        self._joined: dict[str, str] = {}  # an item's link and guid are often the same

    def text(self, element: ET.Element, *, uri: bool = False) -> str:
        """feedparser's `pop` of a text element: stripped, resolved when a URI, repaired."""
        value = _no_children(element).strip()
        if uri and value:
            value = self.join(value)
        return _latin1_utf8_cp1252(value)

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
        mime = _content_type(_attrs(element, allowed), default_type)
        value = _no_children(element).strip()
        rss = not self.version.startswith("atom")
        if rss and mime == "text/plain" and _FeedParserMixin.looks_like_html(value):
            mime = "text/html"
        language = lang.replace("_", "-") if lang else lang
        return {
            "type": mime,
            "language": language,
            "base": self.base,
            "value": _latin1_utf8_cp1252(value),
        }

    def date(self, context: Entry, key: str, element: ET.Element) -> None:
        value = self.text(element)
        context[key] = value
        context[key + "_parsed"] = _parse_date(value)

    def result(self) -> FastResult:
        return self.version, self.feed, self.entries


def _once(seen: set[str], key: str) -> None:
    """A text element twice in one context: feedparser's answer depends on its rules for
    order and depth; leave it to feedparser."""
    if key in seen:
        raise _Unsure(f"{key} twice")
    seen.add(key)


# --------------------------------------------------------------------------- RSS 2.0

_NONE: frozenset[str] = frozenset()
_RSS_INERT_ITEM = frozenset({"category", "comments"})  # stored by feedparser, never read here
_RSS_INERT_CHANNEL = frozenset(
    {"description", "pubDate", "lastBuildDate", "generator", "docs", "copyright", "webMaster",
     "category", f"{{{DC}}}date"}
)  # fmt: skip
# Channel text elements read here, each at most once (the value: what counts as the same)
_RSS_CHANNEL_ONCE = {
    "title": "title", "link": "link", "language": "language", f"{{{DC}}}language": "language",
    "ttl": "ttl", "managingEditor": "author", f"{{{DC}}}creator": "author",
    f"{{{SY}}}updatePeriod": "period", f"{{{SY}}}updateFrequency": "frequency",
}  # fmt: skip
_IMAGE_CHILDREN = frozenset({"url", "title", "link", "width", "height", "description"})


class _Rss(_Reader):
    """`<rss version="2.x"><channel>…`: no default namespace, RSS 2.0's own elements plus
    content:encoded, dc:creator, dc:date, sy:updatePeriod/Frequency, atom:link rel=self."""

    version = "rss20"
    lang: str | None = None  # xml:lang in scope in the channel

    def read(self, root: ET.Element) -> FastResult:
        if not _attrs(root, frozenset({"version"})).get("version", "").startswith("2."):
            raise _Unsure("rss version")
        lang = _lang_of(root, None)
        if lang:
            self.feed["language"] = lang.replace("_", "-")
        channels = list(root)
        if len(channels) != 1 or channels[0].tag != "channel":
            raise _Unsure("not one channel")
        _attrs(channels[0], _NONE)
        self.lang = _lang_of(channels[0], lang)
        seen: set[str] = set()
        for child in channels[0]:
            self.channel_child(child, seen)
        return self.result()

    def channel_child(self, child: ET.Element, seen: set[str]) -> None:
        tag, feed = child.tag, self.feed
        if tag == "item":
            self.item(child)
            return
        if tag in _RSS_CHANNEL_ONCE:
            _once(seen, _RSS_CHANNEL_ONCE[tag])
            _attrs(child, _NONE)
        if tag == "title":
            detail = self.content(child, "text/plain", None, _NONE)
            feed["title"], feed["title_detail"] = detail["value"], detail
        elif tag == "link":
            feed["link"] = _LINK_ENTITY.sub(r"&\g<1>", self.text(child, uri=True))
        elif tag in ("language", f"{{{DC}}}language"):
            feed["language"] = self.text(child)
        elif tag == "ttl":
            feed["ttl"] = self.text(child)
        elif tag == f"{{{SY}}}updatePeriod":
            feed["sy_updateperiod"] = self.text(child)
        elif tag == f"{{{SY}}}updateFrequency":
            feed["sy_updatefrequency"] = self.text(child)
        elif tag in ("managingEditor", f"{{{DC}}}creator"):
            feed["author"] = self.text(child)
            _author_from_text(feed)
        elif tag in _RSS_INERT_CHANNEL:
            _attrs(child, frozenset({"domain"}) if tag == "category" else _NONE)
            _no_children(child)
        elif tag == "image":
            _attrs(child, _NONE)
            for part in child:
                if part.tag not in _IMAGE_CHILDREN:
                    raise _Unsure(f"image/{part.tag}")
                _attrs(part, _NONE)
                _no_children(part)
        elif tag == f"{{{ATOM}}}link":
            attrs = _attrs(child, frozenset({"rel", "href", "type", "title"}))
            if attrs.get("rel", "alternate") == "alternate" or not attrs.get("href"):
                raise _Unsure("atom:link alternate in a channel")
            _no_children(child)
        else:
            raise _Unsure(f"channel/{tag}")

    def item(self, element: ET.Element) -> None:
        _attrs(element, _NONE)
        entry: Entry = {"links": []}
        self.entries.append(entry)
        lang = _lang_of(element, self.lang)
        seen: set[str] = set()
        for child in element:
            self.item_child(entry, child, _lang_of(child, lang), seen)

    def item_child(self, entry: Entry, child: ET.Element, lang: str | None, seen: set[str]) -> None:
        tag = child.tag
        if tag == "enclosure":
            attrs = _attrs(child, frozenset({"url", "length", "type"}))
            _no_children(child)
            link = {"rel": "enclosure", **attrs}
            if "url" in link:
                link["href"] = link.pop("url")
            entry["links"].append(link)
            return
        if tag in _RSS_INERT_ITEM:
            _attrs(child, frozenset({"domain"}) if tag == "category" else _NONE)
            _no_children(child)
            return
        key = {f"{{{DC}}}creator": "author", f"{{{CONTENT}}}encoded": "content",
               f"{{{DC}}}date": "updated", "pubDate": "published"}.get(tag, tag)  # fmt: skip
        _once(seen, key)
        if tag == "guid":
            attrs = _attrs(child, frozenset({"isPermaLink"}))
            is_link = attrs.get("ispermalink", "true") == "true"
            entry["id"] = self.text(child, uri=is_link)
            if is_link:
                entry.setdefault("link", entry["id"])
            return
        _attrs(child, _NONE)
        if tag == "title":
            detail = self.content(child, "text/plain", lang, _NONE)
            entry["title"], entry["title_detail"] = detail["value"], detail
        elif tag == "link":
            entry["links"].append({"rel": "alternate", "type": "text/html"})
            value = self.text(child, uri=True).replace("&amp;", "&")
            value = _LINK_ENTITY.sub(r"&\g<1>", value)
            entry["link"] = value
            if value:
                entry["links"][-1]["href"] = value
        elif tag == "description":
            detail = self.content(child, "text/html", lang, _NONE)
            entry["summary"], entry["summary_detail"] = detail["value"], detail
        elif key == "content":
            entry["content"] = [self.content(child, "text/html", lang, _NONE)]
        elif key in ("published", "updated"):
            self.date(entry, key, child)
        elif key == "author":
            entry["author"] = self.text(child)
            _author_from_text(entry)
        else:
            raise _Unsure(f"item/{tag}")


# --------------------------------------------------------------------------- Atom 1.0

_A = f"{{{ATOM}}}"
_TYPE = frozenset({"type"})
_LINK_ATTRS = frozenset({"rel", "type", "href", "hreflang", "title", "length"})
_HTML_TYPES = ("text/html", "application/xhtml+xml")


class _Atom(_Reader):
    """`<feed xmlns="http://www.w3.org/2005/Atom">`: Atom's own elements only."""

    version = "atom10"

    def read(self, root: ET.Element) -> FastResult:
        _attrs(root, _NONE)
        lang = _lang_of(root, None)
        if lang:
            self.feed["language"] = lang.replace("_", "-")
        seen: set[str] = set()
        for child in root:
            self.feed_child(child, _lang_of(child, lang), seen)
        return self.result()

    def feed_child(self, child: ET.Element, lang: str | None, seen: set[str]) -> None:
        tag = child.tag
        if tag == _A + "entry":
            self.entry(child, lang)
        elif tag == _A + "link":
            self.link(self.feed, child)
        elif tag == _A + "title":
            _once(seen, tag)
            detail = self.content(child, "text/plain", lang, _TYPE)
            self.feed["title"], self.feed["title_detail"] = detail["value"], detail
        elif tag == _A + "id":
            _once(seen, tag)
            _attrs(child, _NONE)
            self.feed.setdefault("link", self.text(child, uri=True))
        elif tag == _A + "author":
            _once(seen, tag)
            self.author(self.feed, child)
        elif tag in (_A + "subtitle", _A + "rights"):
            _once(seen, tag)
            self.content(child, "text/plain", lang, _TYPE)
        elif tag in (_A + "updated", _A + "icon", _A + "logo"):
            _attrs(child, _NONE)
            _no_children(child)
        elif tag == _A + "generator":
            _attrs(child, frozenset({"uri", "version"}))
            _no_children(child)
        elif tag == _A + "category":
            _attrs(child, frozenset({"term", "scheme", "label"}))
            _no_children(child)
        else:
            raise _Unsure(f"feed/{tag}")

    def link(self, context: Entry, element: ET.Element) -> None:
        """feedparser's `_start_link` for a link with an href."""
        attrs = _attrs(element, _LINK_ATTRS)
        _no_children(element)
        if "href" not in attrs:
            raise _Unsure("atom link without href")
        attrs.setdefault("rel", "alternate")
        attrs.setdefault("type", "application/atom+xml" if attrs["rel"] == "self" else "text/html")
        attrs["href"] = self.join(attrs["href"])
        context.setdefault("links", []).append(attrs)
        if (
            attrs["rel"] == "alternate"
            and _MIME_ALIASES.get(attrs["type"], attrs["type"]) in _HTML_TYPES
        ):
            context["link"] = attrs["href"]

    def author(self, context: Entry, element: ET.Element) -> None:
        """feedparser's Atom person construct: name and email, the rest stored unread."""
        _attrs(element, _NONE)
        names: dict[str, str | None] = {"name": None, "email": None}
        for part in element:
            key = part.tag[len(_A) :] if part.tag.startswith(_A) else ""
            if key not in ("name", "email", "uri") or _attrs(part, _NONE):
                raise _Unsure(f"author/{part.tag}")
            if key != "uri":
                if names[key] is not None:
                    raise _Unsure(f"author/{key} twice")
                names[key] = _no_children(part).strip()  # feedparser: not re-decoded
            else:
                _no_children(part)
        name, email = names["name"], names["email"]
        if not name:
            raise _Unsure("author without a name")
        # </author>: its own text (blanks between the parts), then the detail wins
        context["author"] = f"{name} ({email})" if email else name
        context["author_detail"] = {"name": name, **({"email": email} if email else {})}

    def entry(self, element: ET.Element, lang: str | None) -> None:
        _attrs(element, _NONE)
        lang = _lang_of(element, lang)
        entry: Entry = {"links": []}
        self.entries.append(entry)
        seen: set[str] = set()
        for child in element:
            tag = child.tag
            child_lang = _lang_of(child, lang)
            if tag == _A + "link":
                self.link(entry, child)
                continue
            if tag == _A + "category":
                _attrs(child, frozenset({"term", "scheme", "label"}))
                _no_children(child)
                continue
            _once(seen, tag)
            if tag == _A + "id":
                _attrs(child, _NONE)
                entry["id"] = self.text(child, uri=True)
                entry.setdefault("link", entry["id"])
            elif tag == _A + "title":
                detail = self.content(child, "text/plain", child_lang, _TYPE)
                entry["title"], entry["title_detail"] = detail["value"], detail
            elif tag == _A + "content":
                detail = self.content(child, "text/plain", child_lang, _TYPE)
                entry["content"] = [detail]
                entry.setdefault("summary", detail["value"])
            elif tag == _A + "summary":
                detail = self.content(child, "text/plain", child_lang, _TYPE)
                entry["summary"], entry["summary_detail"] = detail["value"], detail
            elif tag in (_A + "published", _A + "updated"):
                _attrs(child, _NONE)
                self.date(entry, tag[len(_A) :], child)
            elif tag == _A + "author":
                self.author(entry, child)
            elif tag == _A + "rights":
                self.content(child, "text/plain", child_lang, _TYPE)
            else:
                raise _Unsure(f"entry/{tag}")


__all__ = ["FastResult", "read_fast"]
