"""Full article on demand: fetch an item's web page and keep its main text.

For feeds that carry only a summary. The page is fetched with the poller's own fetcher
(`tui.feeds.fetch.fetch_feed`: deadline, decompressed-size cap, redirect cap, http/https
only), its main text is extracted with trafilatura (navigation, ads, comments and
boilerplate dropped), then sanitised like feed content (`sanitize_html`: no scripts,
no escapes, links http/https/mailto) before anything is stored.

Two halves, so the UI can run the slow one in a thread and write on its own thread:
`prepare_article` (network + extraction + classification, no database) and
`apply_article` (one transaction). `fetch_full_article` does both, for the CLI.
Nothing here imports Textual.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass

import httpx

from tui.feeds.fetch import FetchResponse, fetch_feed
from tui.feeds.netguard import guarded_transport
from tui.feeds.refresh_types import DEFAULT_USER_AGENT
from tui.model import Classification, ItemDetail
from tui.store import Store
from tui.text import html_to_text, safe_url, sanitize_html
from tui.themes import Lexicon

HTML_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
USER_AGENT = DEFAULT_USER_AGENT
MIN_ARTICLE_CHARS = 200  # less than this is a teaser, a paywall or a cookie wall
#: RLIMIT_DATA of the extraction worker. lxml builds a tree of every element of the
#: page: a 10 MiB page of tiny elements took ~1 GiB and minutes in the main process.
#: Real articles extract in well under half of this (tests/test_harden_article.py).
ARTICLE_MEMORY_LIMIT = 120 * 1024 * 1024
_CHARSET = re.compile(r"charset\s*=\s*\"?([A-Za-z0-9._:-]{1,40})", re.IGNORECASE)


class ArticleError(Exception):
    """The article could not be fetched or had no usable text; nothing was changed."""


@dataclass(frozen=True, slots=True)
class ArticleLimits:
    """The poller's limits, applied to one page (see `PollSettings`)."""

    deadline_s: float = 30.0
    connect_timeout_s: float = 10.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    user_agent: str = USER_AGENT
    trust_env: bool = True  # proxies from the environment: only with allow_private
    allow_private: bool = False  # fetch loopback/private/link-local targets (tui.feeds.netguard)
    memory_limit: int = ARTICLE_MEMORY_LIMIT  # the extraction worker's heap (RLIMIT_DATA)
    extract_deadline_s: float = 30.0  # extraction (as a feed's parse_deadline_s)

    @classmethod
    def from_poll(cls, poll: object, allow_private: bool | None = None) -> ArticleLimits:
        """The same limits as a `PollSettings` (duck-typed: no poller import needed).

        `allow_private` None reads `[article] allow_private` from config.toml.
        """
        names = ("deadline_s", "connect_timeout_s", "max_bytes", "max_redirects", "user_agent")
        values = {name: getattr(poll, name) for name in names if hasattr(poll, name)}
        if hasattr(poll, "parse_deadline_s"):
            values["extract_deadline_s"] = poll.parse_deadline_s
        if allow_private is None:
            from tui.config import load_settings

            allow_private = load_settings().article_allow_private
        return cls(
            **values,
            trust_env=bool(getattr(poll, "trust_env", True)),
            allow_private=allow_private,
        )


@dataclass(slots=True)
class Article:
    """A fetched and extracted article, ready to be stored on one item."""

    item_id: int
    url: str  # the page that answered (after redirects)
    content: str  # sanitised HTML
    text: str  # plain text (what search and themes read)
    classification: Classification
    nbytes: int = 0
    seconds: float = 0.0


@dataclass(slots=True)
class ArticleResult:
    """What storing an article changed."""

    item_id: int
    url: str
    chars_before: int
    chars_after: int
    themes_before: list[str]
    themes_after: list[str]
    seconds: float


# --------------------------------------------------------------------------- fetching


async def fetch_page(
    url: str, limits: ArticleLimits, client: httpx.AsyncClient | None = None
) -> FetchResponse:
    """GET one page with the poller's fetcher and limits (never raises but cancellation)."""
    if client is not None:
        return await _fetch_with(client, url, limits)
    # Unless private targets are allowed, every connection (each redirect hop too) goes
    # to an address checked public at connect time (tui.feeds.netguard); no proxies then.
    guarded = not limits.allow_private
    async with httpx.AsyncClient(
        follow_redirects=False,
        timeout=httpx.Timeout(
            limits.deadline_s, connect=min(limits.connect_timeout_s, limits.deadline_s)
        ),
        headers={"User-Agent": limits.user_agent},
        trust_env=limits.trust_env and not guarded,
        transport=guarded_transport() if guarded else None,
    ) as own:
        return await _fetch_with(own, url, limits)


async def _fetch_with(client: httpx.AsyncClient, url: str, limits: ArticleLimits) -> FetchResponse:
    return await fetch_feed(
        client,
        url,
        max_bytes=limits.max_bytes,
        max_redirects=limits.max_redirects,
        deadline_s=limits.deadline_s,
        accept=HTML_ACCEPT,
    )


def page_body(response: FetchResponse) -> bytes:
    """The HTML body of a fetch, or ArticleError saying plainly why there is none."""
    if response.error and "is not a public address" in response.error:  # tui.feeds.netguard
        raise ArticleError(response.error[response.error.index("refused: ") :])
    if response.error:
        raise ArticleError(f"could not fetch the page: {response.error}")
    if response.status != 200 or response.body is None:
        raise ArticleError(f"the site answered HTTP {response.status}")
    mime = (response.content_type or "").split(";", 1)[0].strip().lower()
    if mime and mime not in HTML_TYPES:
        raise ArticleError(f"not a web page: the site sent {mime[:60]}")
    if not mime and not _looks_like_html(response.body):
        raise ArticleError("not a web page: the response does not look like HTML")
    if not response.body.strip():
        raise ArticleError("the page is empty")
    return response.body


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<meta"))


# --------------------------------------------------------------------------- extracting


def decode_page(body: bytes, content_type: str | None) -> str | bytes:
    """The page as text when the HTTP header names a known charset, else the bytes
    (trafilatura then reads `<meta charset>` or guesses)."""
    match = _CHARSET.search(content_type or "")
    if match:
        try:
            return body.decode(match.group(1), errors="replace")
        except LookupError:
            pass
    return body


async def extract_capped(
    page: str | bytes, base_url: str | None, limits: ArticleLimits
) -> tuple[str, str]:
    """`extract_article` in a worker process with the feed parser's caps: a heap limit
    (ARTICLE_MEMORY_LIMIT) and the fetch deadline; a hostile page costs that process."""
    from tui.feeds.workers import CappedTaskError, run_capped

    try:
        content, text = await run_capped(
            extract_article,
            page,
            base_url,
            deadline_s=limits.extract_deadline_s,
            memory_limit=limits.memory_limit,
            warm_up=_import_extractor,
        )
    except MemoryError:
        raise ArticleError(TOO_COMPLEX) from None
    except CappedTaskError as exc:
        raise ArticleError(f"could not read the page: extracting its text {exc}") from None
    return str(content), str(text)


def _import_extractor() -> None:
    """Worker warm-up: import trafilatura (~0.3 s) before the extraction's deadline runs."""
    import trafilatura  # noqa: F401


TOO_COMPLEX = "the page is too complex to read within the memory limit; nothing changed"


def extract_article(page: str | bytes, base_url: str | None) -> tuple[str, str]:
    """The main text of an HTML page as (sanitised HTML, plain text).

    Navigation, ads, comments and other boilerplate are dropped by trafilatura; its
    output is then sanitised like any feed content, relative links resolved against
    `base_url`. Raises ArticleError when no main text is found.
    """
    import trafilatura  # imported on demand: ~0.3 s, and only this feature needs it

    try:
        extracted = trafilatura.extract(
            page,
            url=base_url,
            output_format="html",
            include_comments=False,
            include_links=True,
            include_tables=True,
            include_images=False,
            with_metadata=False,
            deduplicate=False,
        )
    except MemoryError:  # the worker's heap cap (extract_capped)
        raise ArticleError(TOO_COMPLEX) from None
    except Exception as exc:  # a parser crash on a hostile page is a failed fetch, not ours
        raise ArticleError(f"could not read the page ({type(exc).__name__})") from exc
    content = sanitize_html(extracted or "", base_url)
    text = html_to_text(content, sanitized=True)
    if not text:
        raise ArticleError("no article text found on the page")
    return content, text


# --------------------------------------------------------------------------- whole flow


def article_url(item: ItemDetail) -> str:
    """The http(s) link of an item, or ArticleError."""
    url = safe_url(item.url)
    if not url:
        raise ArticleError("this item has no web link to fetch")
    return url


async def prepare_article_async(
    item: ItemDetail, lexicon: Lexicon, limits: ArticleLimits
) -> Article:
    """Fetch, extract and classify an item's article (no database access)."""
    started = time.perf_counter()
    url = article_url(item)
    response = await fetch_page(url, limits)
    body = page_body(response)
    page = decode_page(body, response.content_type)
    content, text = await extract_capped(page, response.url, limits)
    if len(text) < MIN_ARTICLE_CHARS or len(text) <= len(item.text or ""):
        raise ArticleError(
            f"the page has no more text than the item already has ({len(text)} characters "
            f"against {len(item.text or '')}); nothing changed"
        )
    classification = lexicon.classify(item.title, text)
    return Article(
        item_id=item.id,
        url=response.url,
        content=content,
        text=text,
        classification=classification,
        nbytes=response.nbytes,
        seconds=time.perf_counter() - started,
    )


def prepare_article(item: ItemDetail, lexicon: Lexicon, limits: ArticleLimits) -> Article:
    """`prepare_article_async` for a thread without an event loop (a UI worker, the CLI)."""
    return asyncio.run(prepare_article_async(item, lexicon, limits))


def apply_article(store: Store, article: Article) -> ArticleResult:
    """Store an article on its item (the feed's summary, user state and story stay)."""
    before = store.get_item(article.item_id)
    if before is None:
        raise ArticleError(f"item {article.item_id} no longer exists")
    if not store.save_full_article(
        article.item_id, article.content, article.text, article.classification
    ):
        raise ArticleError(f"item {article.item_id} no longer exists")
    after = store.get_item(article.item_id)
    return ArticleResult(
        item_id=article.item_id,
        url=article.url,
        chars_before=len(before.text or ""),
        chars_after=len(article.text),
        themes_before=[t.id for t in before.themes],
        themes_after=[t.id for t in after.themes] if after else [],
        seconds=article.seconds,
    )


def fetch_full_article(
    store: Store, item_id: int, lexicon: Lexicon, limits: ArticleLimits | None = None
) -> ArticleResult:
    """Fetch an item's article and store it: the headless path (`aigeo fetch-article`)."""
    item = store.get_item(item_id)
    if item is None:
        raise ArticleError(f"no item with id {item_id}")
    article = prepare_article(item, lexicon, limits or ArticleLimits())
    return apply_article(store, article)


def describe(result: ArticleResult) -> str:
    """One line saying what fetching the article did."""
    gained = [t for t in result.themes_after if t not in result.themes_before]
    lost = [t for t in result.themes_before if t not in result.themes_after]
    parts = [f"Full article: {result.chars_before:,} → {result.chars_after:,} characters"]
    if gained:
        parts.append("themes +" + ", +".join(gained))
    if lost:
        parts.append("themes −" + ", −".join(lost))
    return "; ".join(parts)
