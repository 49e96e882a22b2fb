"""Full article on demand: pages served on 127.0.0.1, extracted, sanitised and stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.support.feedserver import FeedServer, Reply
from tui.cli.group import main
from tui.feeds.fulltext import (
    ArticleError,
    ArticleLimits,
    describe,
    extract_article,
    fetch_full_article,
)
from tui.feeds.parse import parse_feed
from tui.ingest import classify_items
from tui.model import ItemQuery
from tui.store import Store
from tui.themes import load_lexicon

PAGE = (Path(__file__).parents[1] / "support" / "fixtures" / "article_page.html").read_bytes()
HTML = {"Content-Type": "text/html; charset=utf-8"}
SUMMARY = "Washington widens AI chip export rules. Read more on the site."
FAST = ArticleLimits(deadline_s=1.0, connect_timeout_s=1.0, max_bytes=256 * 1024)


def summary_feed(link: str) -> bytes:
    """An RSS feed with one summary-only entry linking to `link`."""
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        "<link>https://wire.example/</link><description>d</description>"
        f"<item><guid>a1</guid><title>Chip curbs tighten on AI accelerators</title>"
        f"<link>{link}</link><pubDate>Mon, 02 Jun 2025 10:00:00 GMT</pubDate>"
        f"<description>{SUMMARY}</description></item></channel></rss>"
    ).encode()


def store_entry(store: Store, link: str) -> int:
    """Store the summary-only entry through the real parser and classifier."""
    parsed = parse_feed(summary_feed(link), url="https://wire.example/feed")
    source_id, _ = store.add_source("https://wire.example/feed", "Wire")
    result = store.save_items(source_id, classify_items(load_lexicon(), parsed.entries))
    return result.new_ids[0]


@pytest.fixture
def server() -> FeedServer:
    srv = FeedServer()
    yield srv  # type: ignore[misc]
    srv.close()


def test_extraction_keeps_the_article_and_drops_nav_ads_and_comments() -> None:
    content, text = extract_article(PAGE, "https://news.example/2025/chips")
    assert "entity list" in text and "zirconium-grade" in text
    assert "What changes" in text
    for junk in ("Subscribe now", "ADVERTISEMENT", "MegaStore", "outrageous spam",
                 "cryptocurrency giveaways", "Celebrity chef", "All rights reserved"):  # fmt: skip
        assert junk not in text, junk
    assert "<script" not in content and "window.track" not in text


def test_fetch_stores_full_text_keeps_summary_and_user_state(
    store: Store, server: FeedServer
) -> None:
    url = server.route("/news/chips", Reply(200, PAGE, headers=HTML))
    item_id = store_entry(store, url)
    store.set_read([item_id])
    store.set_starred([item_id])
    store.add_tags([item_id], ["watch"])
    store.set_user_theme(item_id, "open-models", False)  # a rejection
    store.set_user_theme(item_id, "us-china", True)  # an addition
    assert store.count_items(ItemQuery(search="zirconium")) == 0

    result = fetch_full_article(store, item_id, load_lexicon(), FAST)

    item = store.get_item(item_id)
    assert item is not None
    assert "zirconium-grade" in item.text and "entity list" in item.text
    assert item.content and "<h2>What changes</h2>" in item.content
    assert item.summary and "Read more on the site" in item.summary  # the feed's summary
    assert item.read and item.starred and item.tags == ["watch"]
    assert store.user_theme_decisions(item_id) == {"open-models": False, "us-china": True}
    themes = {t.id: t.origin for t in item.themes}
    assert themes.get("us-china") == "user" and "open-models" not in themes
    assert "chips" in themes  # re-themed on the article's text
    assert result.chars_after > result.chars_before
    assert "Full article" in describe(result)
    # full-text search finds words only the article has (FTS re-indexed on update)
    assert store.item_ids(ItemQuery(search="zirconium")) == [item_id]
    assert store.item_ids(ItemQuery(search="lithography")) == [item_id]
    # the request asked for HTML and named aigeo
    seen = server.hits("/news/chips")[0].headers
    assert seen["accept"].startswith("text/html") and seen["user-agent"].startswith("aigeo/")


def test_a_refresh_of_the_unchanged_entry_keeps_the_full_text(
    store: Store, server: FeedServer
) -> None:
    url = server.route("/news/chips", Reply(200, PAGE, headers=HTML))
    item_id = store_entry(store, url)
    fetch_full_article(store, item_id, load_lexicon(), FAST)
    again = store_entry_again(store, url)
    assert again.unchanged == 1
    assert "zirconium-grade" in store.get_item(item_id).text  # type: ignore[union-attr]


def store_entry_again(store: Store, link: str):  # type: ignore[no-untyped-def]
    parsed = parse_feed(summary_feed(link), url="https://wire.example/feed")
    source = store.find_source("https://wire.example/feed")
    assert source is not None
    return store.save_items(source.id, classify_items(load_lexicon(), parsed.entries))


HOSTILE = b"""<html><head><title>x</title><script>alert(1)</script></head><body>
<nav>menu menu menu</nav><article><h1>Hostile page</h1>
<p onclick="steal()">The export control regime for advanced chips was tightened again this week,
officials said, in a long paragraph that gives the extractor enough text to work with.
<a href="javascript:alert(1)">click</a> <a href="/relative/link">relative</a>
<a href="mailto:desk@news.example">mail</a> \x1b]52;c;ZXZpbA==\x07 \x1b[31mred\x1b[0m
[@click=app.quit]quit[/] <iframe src="https://evil.example/"></iframe></p>
<p>Second paragraph about sovereign compute and data centres in the Gulf, which is again long
enough to be kept as part of the main text of this article by the extractor.</p>
<p>Third paragraph: analysts expect retaliation through rare earth export limits, and the
ministry declined to comment on the timing of further measures or on enforcement.</p>
<img src="x" onerror="steal()"><style>p{color:red}</style></article></body></html>"""


def test_hostile_markup_is_sanitised(store: Store, server: FeedServer) -> None:
    url = server.route("/hostile", Reply(200, HOSTILE, headers=HTML))
    item_id = store_entry(store, url)
    fetch_full_article(store, item_id, load_lexicon(), FAST)
    item = store.get_item(item_id)
    assert item is not None and item.content
    for bad in ("<script", "alert(1)", "onclick", "onerror", "javascript:", "<iframe", "<style",
                "\x1b", "\x07", "steal()"):  # fmt: skip
        assert bad not in item.content, bad
        assert bad not in item.text, bad
    assert f'href="{server.url("/relative/link")}"' in item.content  # resolved, http only
    assert 'href="mailto:desk@news.example"' in item.content
    assert "[@click=app.quit]quit[/]" in item.text  # markup stays literal text


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply(404, b"<html>not here</html>", headers=HTML), "HTTP 404"),
        (
            Reply(200, b"%PDF-1.7 binary", headers={"Content-Type": "application/pdf"}),
            "not a web page: the site sent application/pdf",
        ),
        (Reply(200, b'{"a": 1}', headers={"Content-Type": "application/json"}), "not a web page"),
        (
            Reply(200, b"<html><body>" + b"x" * 300_000 + b"</body></html>", headers=HTML),
            "too large",
        ),
        (
            Reply(
                200, b"<html><body>" + b"x" * 3_000_000 + b"</body></html>", headers=HTML, gzip=True
            ),
            "decompressed body larger than",
        ),
        (Reply(200, PAGE, headers=HTML, delay=2.0), "timed out"),
        (
            Reply(200, b"<html><body><nav>Home | News</nav></body></html>", headers=HTML),
            "no more text than the item",
        ),
    ],
    ids=["404", "pdf", "json", "oversize", "gzip-bomb", "slow", "empty"],
)
def test_failures_are_clear_and_change_nothing(
    store: Store, server: FeedServer, reply: Reply, message: str
) -> None:
    url = server.route("/page", reply)
    item_id = store_entry(store, url)
    store.set_starred([item_id])
    before = store.get_item(item_id)
    with pytest.raises(ArticleError, match=message):
        fetch_full_article(store, item_id, load_lexicon(), FAST)
    assert store.get_item(item_id) == before


def test_refused_urls_and_items_without_links(store: Store) -> None:
    item_id = store_entry(store, "https://wire.example/a")
    store.conn.execute("UPDATE items SET url = 'file:///etc/passwd' WHERE id = ?", (item_id,))
    with pytest.raises(ArticleError, match="no web link"):
        fetch_full_article(store, item_id, load_lexicon(), FAST)
    with pytest.raises(ArticleError, match="no item"):
        fetch_full_article(store, 9999, load_lexicon(), FAST)


def test_redirect_to_a_file_url_is_refused(store: Store, server: FeedServer) -> None:
    url = server.route("/moved", Reply(302, headers={"Location": "file:///etc/passwd"}))
    item_id = store_entry(store, url)
    with pytest.raises(ArticleError, match="redirect refused"):
        fetch_full_article(store, item_id, load_lexicon(), FAST)


def test_cli_fetch_article_json_and_failure(db_path: Path, server: FeedServer) -> None:
    url = server.route("/news/chips", Reply(200, PAGE, headers=HTML))
    with Store.open(db_path) as store:
        item_id = store_entry(store, url)
    runner = CliRunner()
    out = runner.invoke(main, ["fetch-article", str(item_id), "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert doc["ok"] and doc["id"] == item_id and doc["chars_after"] > doc["chars_before"]
    assert "chips" in doc["themes_after"]
    server.route("/news/chips", Reply(404, b"gone", headers=HTML))
    out = runner.invoke(main, ["fetch-article", str(item_id)])
    assert out.exit_code == 1 and "HTTP 404" in out.output
    out = runner.invoke(main, ["fetch-article", str(item_id), "--json"])
    assert out.exit_code == 1 and json.loads(out.output)["error"].startswith("the site answered")
