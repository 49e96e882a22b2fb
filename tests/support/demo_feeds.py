"""Serve tests/support/newsdata.py as one RSS feed per outlet on 127.0.0.1, dated recently.

Run: uv run python tests/support/demo_feeds.py [PORT]   (prints one feed URL a line, then serves)
Each story keeps its outlets' relative timing but is moved into the last few weeks, so
a new user can add the feeds, refresh, and see stories, trends and a brief:
    for u in $(...); do aigeo add "$u"; done; aigeo refresh; aigeo
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.support.feedserver import FeedServer, Reply
from tests.support.newsdata import ARTICLES, OUTLETS, Article

DAYS_AGO = {  # story → how many days before now its first report appeared
    "h20": 2,
    "asml": 1,
    "deepseek": 30,
    "qwen": 12,
    "eu-code": 4,
    "stargate-uae": 5,
    "france-109": 20,
    "uk-aisi": 9,
}


def shifted(article: Article, now: datetime) -> datetime:
    """The article's date moved so its story's first report is DAYS_AGO days back."""
    first = min(datetime.fromisoformat(a.published) for a in ARTICLES if a.story == article.story)
    offset = datetime.fromisoformat(article.published) - first
    return now - timedelta(days=DAYS_AGO.get(article.story, 3)) + offset


def feed(outlet: str, now: datetime) -> bytes:
    """One outlet's RSS document."""
    slug = outlet.lower().replace(" ", "")
    parts = [
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>',
        f"<title>{escape(outlet)}</title><link>https://{slug}.example/</link>",
        "<description>demo</description>",
    ]
    for article in OUTLETS[outlet]:
        when = format_datetime(shifted(article, now))
        parts.append(
            f"<item><guid>{escape(article.guid)}</guid><title>{escape(article.title)}</title>"
            f"<link>https://{slug}.example/{escape(article.guid)}</link>"
            f"<pubDate>{when}</pubDate><description>{escape(article.text)}</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode("utf-8")


def main() -> None:
    now = datetime.now(UTC)
    server = FeedServer()
    for outlet in OUTLETS:
        path = "/" + outlet.lower().replace(" ", "-") + ".xml"
        print(server.route(path, Reply(body=feed(outlet, now))), flush=True)
    time.sleep(3600 * 8)


if __name__ == "__main__":
    main()
