"""Feed autodiscovery: a web page that names its feeds in `<link rel="alternate">`.

`aigeo add URL` and the dashboard's `a` fetch the URL once: a feed is used as it is; an
HTML page offers the feeds it links (one: that one; several: the user chooses). Only
`<link>` elements in the page are read (RSS, Atom and JSON Feed types), the way
browsers and feed readers have long done it; nothing on the page is run.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin

from tui.feeds.fetch import fetch_feed
from tui.feeds.opml import feed_url_problem
from tui.text import terminal_safe

FEED_TYPES = {
    "application/rss+xml": "RSS",
    "application/atom+xml": "Atom",
    "application/feed+json": "JSON Feed",
    "application/json": "JSON Feed",
    "application/rdf+xml": "RDF",
}
PAGE_LIMIT = 2 * 1024 * 1024
DISCOVER_DEADLINE_S = 15.0


@dataclass(frozen=True, slots=True)
class FeedLink:
    """A feed a page links: its absolute URL, title (maybe empty) and kind."""

    url: str
    title: str
    kind: str


@dataclass(frozen=True, slots=True)
class Discovery:
    """What a URL turned out to be: a feed (`feeds` is just it), a page's feeds, or a problem."""

    url: str
    is_feed: bool
    feeds: tuple[FeedLink, ...] = ()
    problem: str | None = None


class _LinkParser(HTMLParser):
    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.links: list[FeedLink] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "base":
            href = dict(attrs).get("href")
            if href:
                self.base = urljoin(self.base, href.strip())
            return
        if tag != "link":
            return
        values = {name.lower(): (value or "") for name, value in attrs}
        rels = values.get("rel", "").lower().split()
        kind = FEED_TYPES.get(values.get("type", "").split(";")[0].strip().lower())
        href = values.get("href", "").strip()
        if "alternate" not in rels or kind is None or not href:
            return
        url = urljoin(self.base, href)
        if feed_url_problem(url) is None and all(link.url != url for link in self.links):
            title = terminal_safe(values.get("title", ""), multiline=False)
            self.links.append(FeedLink(url, title[:200], kind))


def feed_links(html: str, base_url: str) -> list[FeedLink]:
    """The feeds an HTML page links with `<link rel="alternate" type=…>`, in page order."""
    parser = _LinkParser(base_url)
    try:
        parser.feed(html)
        parser.close()
    except (ValueError, AssertionError):  # HTMLParser on pathological input: keep what it found
        pass
    return parser.links


def looks_like_html(body: bytes, content_type: str | None) -> bool:
    """Whether a response is a web page rather than a feed."""
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind in ("text/html", "application/xhtml+xml"):
        return True
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


async def discover_async(url: str, *, deadline_s: float = DISCOVER_DEADLINE_S) -> Discovery:
    """Fetch `url` once and say whether it is a feed or which feeds its page links."""
    import httpx

    async with httpx.AsyncClient(timeout=deadline_s) as client:
        response = await fetch_feed(client, url, max_bytes=PAGE_LIMIT, deadline_s=deadline_s)
    if response.error or response.body is None:
        return Discovery(url, False, problem=response.error or f"HTTP {response.status}")
    if not looks_like_html(response.body, response.content_type):
        return Discovery(response.url, True, (FeedLink(response.url, "", "feed"),))
    page = response.body.decode("utf-8", errors="replace")
    links = tuple(feed_links(page, response.url))
    if not links:
        return Discovery(url, False, problem="a web page that links no feed")
    return Discovery(url, False, links)


def discover(url: str, *, deadline_s: float = DISCOVER_DEADLINE_S) -> Discovery:
    """`discover_async` for callers without an event loop (the CLI, UI thread workers)."""
    return asyncio.run(discover_async(url, deadline_s=deadline_s))
