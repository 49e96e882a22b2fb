"""OPML import and export (OPML 1.0 and 2.0), plus the feed URL check shared with `add`.

Reading uses defusedxml: an OPML file comes from anywhere, and entity expansion or
external entities must not be able to blow up memory or read local files. Outlines that
are commands rather than URLs (newsboat's `|script`, `exec:`, `filter:`) are reported
and skipped, never run.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import urlsplit

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from tui.model import Source
from tui.store import Store
from tui.text import terminal_safe

MAX_OPML_BYTES = 20 * 1024 * 1024
#: Folder levels kept in a category ("a/b/c"); deeper outlines still import, under the
#: category of their first levels. (A 50,000-deep file once hit Python's recursion limit.)
MAX_CATEGORY_DEPTH = 12
MAX_CATEGORY_CHARS = 300
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]")


class OpmlError(Exception):
    """The file is not an OPML document this reader accepts."""


@dataclass(slots=True)
class OpmlFeed:
    """One feed outline."""

    url: str
    title: str
    category: str | None = None
    site_url: str | None = None


@dataclass(slots=True)
class Skipped:
    """An outline that was not imported, and why."""

    what: str
    reason: str


@dataclass(slots=True)
class OpmlDocument:
    """The feeds of an OPML file and the outlines that were skipped."""

    title: str | None = None
    feeds: list[OpmlFeed] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


@dataclass(slots=True)
class ImportReport:
    """What importing did: added, already present, skipped (with reasons)."""

    added: list[tuple[int, OpmlFeed]] = field(default_factory=list)
    existing: list[tuple[int, OpmlFeed]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def feed_url_problem(url: str) -> str | None:
    """None when `url` is a feed URL aigeo will fetch (absolute http/https), else why not."""
    if not url:
        return "no URL"
    stripped = url.strip()
    if stripped.startswith("|") or stripped.lower().startswith(("exec:", "filter:")):
        return "a command, not a URL (never run)"
    if stripped.lower().startswith("query:"):
        return "a newsboat query feed, not a URL"
    if _CONTROL.search(stripped):
        return "URL contains spaces or control characters"
    try:
        parts = urlsplit(stripped)
    except ValueError as exc:
        return f"invalid URL ({exc})"
    scheme = parts.scheme.lower()
    if scheme == "file":
        return "a local file URL (only http and https are fetched)"
    if scheme not in ("http", "https"):
        return f"only http and https URLs are fetched, not {scheme or 'a URL without scheme'}"
    try:
        host = parts.hostname
        _ = parts.port
    except ValueError as exc:
        return f"invalid URL ({exc})"
    if not host:
        return "URL has no host"
    return None


def _attr(element: ET.Element, name: str) -> str | None:
    """An attribute by case-insensitive name, stripped (None when empty)."""
    for key, value in element.attrib.items():
        if key.lower() == name.lower():
            value = value.strip()
            return value or None
    return None


def _category_attr(value: str | None) -> str | None:
    """OPML 2.0 `category`: comma-separated slash paths; the first one, slashes trimmed."""
    if not value:
        return None
    first = value[: MAX_CATEGORY_CHARS * 4].split(",")[0].strip().strip("/")
    return _category(first.split("/"))


def _category(folders: list[str]) -> str | None:
    """A category path from folder names: terminal-safe, at most MAX_CATEGORY_DEPTH
    levels and MAX_CATEGORY_CHARS characters."""
    names = [terminal_safe(name, multiline=False) for name in folders]
    path = "/".join(name for name in names[:MAX_CATEGORY_DEPTH] if name)
    return path[:MAX_CATEGORY_CHARS].strip("/") or None


def parse_opml(data: bytes) -> OpmlDocument:
    """Read an OPML document. Raises OpmlError when it is not one (or is unsafe)."""
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(f"file larger than {MAX_OPML_BYTES // (1024 * 1024)} MiB")
    try:
        root = SafeET.fromstring(data)
    except DefusedXmlException as exc:
        raise OpmlError(f"refused unsafe XML ({type(exc).__name__})") from exc
    except ET.ParseError as exc:
        raise OpmlError(f"not well-formed XML ({exc})") from exc
    if root.tag.lower() != "opml":
        raise OpmlError(f"not OPML (the root element is <{root.tag}>)")
    body = next((child for child in root if child.tag.lower() == "body"), None)
    if body is None:
        raise OpmlError("OPML without a <body>")
    head_title = root.findtext("head/title")
    document = OpmlDocument(title=terminal_safe(head_title, multiline=False) or None)
    seen: set[str] = set()
    _walk(body, document, seen)
    return document


def _walk(body: ET.Element, doc: OpmlDocument, seen: set[str]) -> None:
    """Every outline in document order, depth first, without recursion (any depth)."""
    stack: list[tuple[Iterator[ET.Element], list[str]]] = [(iter(body), [])]
    while stack:
        children, folders = stack[-1]
        outline = next(children, None)
        if outline is None:
            stack.pop()
            continue
        if outline.tag.lower() == "outline":
            sub = _visit(outline, folders, doc, seen)
            if sub is not None:
                stack.append((iter(outline), sub))


def _visit(
    outline: ET.Element, folders: list[str], doc: OpmlDocument, seen: set[str]
) -> list[str] | None:
    """Take one outline; returns the folder path for its children when it is a folder."""
    label = terminal_safe(_attr(outline, "title") or _attr(outline, "text"), multiline=False)
    url = _attr(outline, "xmlUrl")
    if url is None:
        if len(outline):
            return [*folders, label] if label and len(folders) < MAX_CATEGORY_DEPTH else folders
        if _attr(outline, "type") in ("rss", "atom"):
            doc.skipped.append(Skipped(label or "(untitled)", "feed outline without xmlUrl"))
        return None  # a plain note or an empty folder: nothing to import
    url = url.strip()
    shown = terminal_safe(url, multiline=False)[:200]
    if problem := feed_url_problem(url):
        doc.skipped.append(Skipped(f"{label or shown} ({shown})", problem))
        return None
    if url in seen:
        doc.skipped.append(Skipped(shown, "listed twice in the file"))
        return None
    seen.add(url)
    category = _category_attr(_attr(outline, "category"))
    if category is None and folders:
        category = _category(folders)
    site = _attr(outline, "htmlUrl")
    doc.feeds.append(
        OpmlFeed(
            url=url,
            title=label or url,
            category=category,
            site_url=site if site and feed_url_problem(site) is None else None,
        )
    )
    return None


def import_opml(store: Store, data: bytes) -> ImportReport:
    """Add every feed of an OPML document; sources already present are left as they are."""
    document = parse_opml(data)
    report = ImportReport(skipped=list(document.skipped))
    with store.write():  # one transaction: all or nothing, and quick for long lists
        for feed in document.feeds:
            source_id, created = store.add_source(
                feed.url, feed.title, site_url=feed.site_url, category=feed.category
            )
            (report.added if created else report.existing).append((source_id, feed))
    return report


def write_opml(sources: Iterable[Source], title: str = "aigeo feeds") -> bytes:
    """An OPML 2.0 document of feed sources, with categories as (nested) folders."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC), usegmt=True)
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {}

    def folder(path: str) -> ET.Element:
        """The folder outline of a category path, made level by level (no recursion;
        at most MAX_CATEGORY_DEPTH levels, so serialising stays shallow too)."""
        parent, done = body, ""
        for name in path.split("/")[:MAX_CATEGORY_DEPTH]:
            done = f"{done}/{name}" if done else name
            if done not in folders:
                folders[done] = ET.SubElement(parent, "outline", text=name, title=name)
            parent = folders[done]
        return parent

    for source in sources:
        if source.kind != "feed":
            continue
        category = terminal_safe(source.category, multiline=False).strip("/")
        parent = folder(category) if category else body
        # XML 1.0 cannot hold control characters: a title with one would make a file
        # that no reader (this one included) accepts.
        title = terminal_safe(source.title, multiline=False)
        attrs = {"type": "rss", "text": title, "title": title, "xmlUrl": source.url}
        if source.site_url:
            attrs["htmlUrl"] = source.site_url
        if source.category:
            attrs["category"] = terminal_safe(source.category, multiline=False)
        ET.SubElement(parent, "outline", attrs)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
