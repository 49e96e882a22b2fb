"""`f` in the dashboard: fetch the full article of the item under the cursor.

The fetch and extraction run in a thread worker (the UI never waits); the result is
written on the UI thread, which owns the store's connection. A failure is a warning
that changes nothing.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from textual.worker import get_current_worker

from tui.model import ItemDetail
from tui.text import safe_url, terminal_safe
from tui.ui.widgets.items import ItemList

if TYPE_CHECKING:
    from tui.feeds.fulltext import Article
    from tui.ui.app import AigeoApp

# tui.feeds.fulltext (httpx) is imported when an article is fetched, not at start-up.

ARTICLE_GROUP = "article"


class ArticleMixin:
    """The full-article action of AigeoApp."""

    def action_fetch_article(self: AigeoApp) -> None:
        """f: fetch the item's web page and show its full text in the reading pane."""
        item = self.current_detail()
        if item is None:
            return
        url = safe_url(item.url)
        if url is None:
            self.notify("This item has no web link to fetch", severity="warning")
            return
        name = f"article:{item.id}"
        if any(w.name == name and not w.is_finished for w in self.workers):
            self.notify("Already fetching this article")
            return
        host = terminal_safe(urlsplit(url).hostname or url, multiline=False)
        self.notify(f"Fetching the full article from {host}…", timeout=4)
        self.run_worker(
            partial(self._article_worker, item),
            name=name,
            group=ARTICLE_GROUP,
            thread=True,
            exit_on_error=False,
        )

    def _article_worker(self: AigeoApp, item: ItemDetail) -> None:
        """In a thread: fetch, extract and classify; hand the result to the UI thread."""
        from tui.feeds.fulltext import ArticleError, ArticleLimits, prepare_article

        worker = get_current_worker()
        limits = ArticleLimits.from_poll(self.poll_settings)
        try:
            article = prepare_article(item, self.lexicon, limits)
        except ArticleError as exc:
            self.call_from_thread(self._article_failed, str(exc))
            return
        except Exception as exc:  # an extractor bug must not pass silently
            self.call_from_thread(self._article_failed, f"{type(exc).__name__}: {exc}")
            return
        if not worker.is_cancelled:
            self.call_from_thread(self._article_ready, article)

    def _article_failed(self: AigeoApp, message: str) -> None:
        text = terminal_safe(f"Full article not fetched: {message}", multiline=False)
        self.notify(text, severity="warning", timeout=8)

    def _article_ready(self: AigeoApp, article: Article) -> None:
        from tui.feeds.fulltext import ArticleError, apply_article, describe

        try:
            result = apply_article(self.store, article)
        except ArticleError as exc:
            self._article_failed(str(exc))
            return
        self.notify(describe(result), timeout=6)
        items = self.query_one(ItemList)
        fresh = self.store.get_item(article.item_id)
        if fresh is not None:
            items.refresh_item(fresh)
        self.refresh_panels()
        current = items.current_item
        if current is not None and current.id == article.item_id:
            self.show_current()
