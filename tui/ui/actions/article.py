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
from tui.plain_text import safe_url, terminal_safe
from tui.ui.actions.base import Dashboard

if TYPE_CHECKING:
    from tui.feeds.fulltext import Article

# tui.feeds.fulltext (httpx) is imported when an article is fetched, not at start-up.

ARTICLE_GROUP = "article"


class ArticleActions:
    """f: the full article, fetched off the UI thread."""

    def __init__(self, view: Dashboard) -> None:
        self.view = view

    def fetch(self) -> None:
        """f: fetch the item's web page and show its full text in the reading pane."""
        item = self.view.current_detail()
        if item is None:
            return
        url = safe_url(item.url)
        if url is None:
            self.view.notify("This item has no web link to fetch", severity="warning")
            return
        name = f"article:{item.id}"
        if any(w.name == name and not w.is_finished for w in self.view.app.workers):
            self.view.notify("Already fetching this article")
            return
        host = terminal_safe(urlsplit(url).hostname or url, multiline=False)
        self.view.notify(f"Fetching the full article from {host}…", timeout=4)
        self.view.run_worker(
            partial(self._worker, item),
            name=name,
            group=ARTICLE_GROUP,
            thread=True,
            exit_on_error=False,
        )

    def _worker(self, item: ItemDetail) -> None:
        """In a thread: fetch, extract and classify; hand the result to the UI thread."""
        from tui.feeds.fulltext import ArticleError, ArticleLimits, prepare_article

        worker = get_current_worker()
        limits = ArticleLimits.from_poll(self.view.shared.poll_settings)
        try:
            article = prepare_article(item, self.view.shared.lexicon, limits)
        except ArticleError as exc:
            self.view.app.call_from_thread(self._failed, str(exc))
            return
        if not worker.is_cancelled:
            self.view.app.call_from_thread(self._ready, article)

    def _failed(self, message: str) -> None:
        text = terminal_safe(f"Full article not fetched: {message}", multiline=False)
        self.view.notify(text, severity="warning", timeout=8)

    def _ready(self, article: Article) -> None:
        from tui.feeds.fulltext import ArticleError, apply_article, describe

        try:
            result = apply_article(self.view.shared.store, article)
        except ArticleError as exc:
            self._failed(str(exc))
            return
        self.view.notify(describe(result), timeout=6)
        items = self.view.items
        fresh = self.view.shared.store.get_item(article.item_id)
        if fresh is not None:
            items.refresh_item(fresh)
        self.view.refresh_panels()
        current = items.current_item
        if current is not None and current.id == article.item_id:
            self.view.show_current()
