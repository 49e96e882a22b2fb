"""Full articles under the same limits as feeds, and an item remembers its fetched article.

Pages served on 127.0.0.1 (`[article] allow_private = true` in the test's config.toml,
as an intranet reader sets it). A hostile page (about 9 MiB of tiny elements, which
took ~1 GiB and minutes in the main process before) is refused by the capped
extraction worker, with every process of `aigeo fetch-article` sampled from /proc.
Then a fetched article survives a later change of its feed entry, through real
refreshes: the feed's own fields update beside it.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.feeds.test_fulltext import ALLOW_PRIVATE, HTML, PAGE
from tests.hardening.test_harden_terminal import cli_env
from tests.support.farm import MIB, watch_tree
from tests.support.feedserver import FeedServer, Reply
from tui.feeds.fulltext import ArticleError, ArticleLimits, fetch_full_article
from tui.feeds.refresh import refresh_sources
from tui.feeds.refresh_types import PollSettings
from tui.model import ItemQuery
from tui.store import Store
from tui.themes import load_lexicon

ROOT = Path(__file__).resolve().parents[2]
PEAK_GOAL = 150 * MIB  # any one process of the fetch
HOSTILE_PAGES = {
    "many-paragraphs": b"<html><body><article>"
    + b"<p>Export controls on chips and compute words here.</p>" * 180_000
    + b"</article></body></html>",
    "many-cells": b"<html><body><table>"
    + b"<tr><td>cell words</td><td>more</td></tr>" * 200_000
    + b"</table></body></html>",
}


def feed(link: str, summary: str, title: str = "Chip curbs tighten on AI accelerators") -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        "<link>https://wire.example/</link><description>d</description>"
        f"<item><guid>a1</guid><title>{title}</title><link>{link}</link>"
        f"<pubDate>Mon, 02 Jun 2025 10:00:00 GMT</pubDate>"
        f"<description>{summary}</description></item></channel></rss>"
    ).encode()


def refresh(db: Path) -> None:
    summary = refresh_sources(db, settings=PollSettings(trust_env=False, jitter=0.0))
    assert all(r.ok for r in summary.results), summary.results


def test_a_fetched_article_survives_a_changed_feed_entry(
    db_path: Path, feed_server: FeedServer
) -> None:
    page = feed_server.route("/news/chips", Reply(200, PAGE, headers=HTML))
    feed_url = feed_server.route("/feed", Reply(body=feed(page, "Washington widens rules.")))
    with Store.open(db_path) as store:
        store.add_source(feed_url)
    refresh(db_path)
    with Store.open(db_path) as store:
        (item_id,) = store.item_ids(ItemQuery())
        limits = ArticleLimits(allow_private=True)
        fetch_full_article(store, item_id, load_lexicon(), limits)
        fetched = store.get_item(item_id)
        assert fetched is not None and "zirconium-grade" in fetched.text
    # The publisher edits the entry: new title and summary (a new content hash).
    feed_server.route(
        "/feed", Reply(body=feed(page, "Rules widened; Beijing responds.", "Chip curbs, updated"))
    )
    refresh(db_path)
    with Store.open(db_path) as store:
        item = store.get_item(item_id)
        assert item is not None
        assert item.title == "Chip curbs, updated"  # the feed's own fields update …
        assert item.summary and "Beijing responds" in item.summary
        assert "zirconium-grade" in item.text and item.content == fetched.content  # … beside it
        assert {t.id for t in item.themes} == {t.id for t in fetched.themes}
        assert store.item_ids(ItemQuery(search="zirconium")) == [item_id]
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("SELECT article_fetched FROM items").fetchall() == [(1,)]
    finally:
        conn.close()


def test_an_unfetched_item_still_follows_its_feed(db_path: Path, feed_server: FeedServer) -> None:
    feed_url = feed_server.route("/feed", Reply(body=feed("https://e.org/a", "First words.")))
    with Store.open(db_path) as store:
        store.add_source(feed_url)
    refresh(db_path)
    feed_server.route("/feed", Reply(body=feed("https://e.org/a", "Second words.")))
    refresh(db_path)
    with Store.open(db_path) as store:
        (row,) = store.list_items(ItemQuery())
        item = store.get_item(row.id)
        assert item is not None and "Second words" in item.text


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HOSTILE_PAGES))
def test_a_hostile_page_is_refused_by_the_capped_worker(
    tmp_path: Path, db_path: Path, feed_server: FeedServer, name: str
) -> None:
    url = feed_server.route(f"/{name}", Reply(200, HOSTILE_PAGES[name], headers=HTML))
    feed_url = feed_server.route("/feed", Reply(body=feed(url, "Washington widens rules.")))
    with Store.open(db_path) as store:
        store.add_source(feed_url)
    refresh(db_path)
    with Store.open(db_path) as store:
        (item_id,) = store.item_ids(ItemQuery())
        before = store.get_item(item_id)
    (tmp_path / "config.toml").write_text(ALLOW_PRIVATE, encoding="utf-8")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tui",
            "--db",
            str(db_path),
            "fetch-article",
            str(item_id),
            "--json",
        ],
        env=cli_env(tmp_path, db_path),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    output: dict[str, bytes] = {}

    def drain() -> None:
        output["out"], output["err"] = process.communicate(timeout=300)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    memory = watch_tree(process)
    reader.join(300)
    peak, total = memory.peak_process / MIB, memory.peak_total / MIB
    print(f"{name}: peak process {peak:.0f} MiB, sum of the tree's RSS {total:.0f} MiB")
    assert process.returncode == 1, output.get("err", b"")[-2000:]
    document = json.loads(output["out"])
    assert not document["ok"] and "Traceback" not in output["err"].decode()
    assert memory.peak_process <= PEAK_GOAL, memory
    assert len(memory.processes) >= 2  # the extraction ran in a worker, not in aigeo itself
    with Store.open(db_path) as store:
        assert store.get_item(item_id) == before


def test_the_extraction_deadline_stops_a_slow_page(store: Store, feed_server: FeedServer) -> None:
    """A page whose extraction takes minutes is stopped at the extraction deadline."""
    from tests.feeds.test_fulltext import store_entry

    body = b"<html><body><p>word " + b"<b>x</b>" * 200_000 + b"</p></body></html>"
    url = feed_server.route("/slow", Reply(200, body, headers=HTML))
    item_id = store_entry(store, url)
    limits = ArticleLimits(allow_private=True, extract_deadline_s=0.5, memory_limit=1 << 30)
    with pytest.raises(ArticleError, match=r"took longer than 0\.5 s and was stopped"):
        fetch_full_article(store, item_id, load_lexicon(), limits)
