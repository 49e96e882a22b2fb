"""Refreshing from the dashboard against a real feed server on 127.0.0.1."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.support.feedserver import FeedServer, Reply, rss
from tests.support.pilot import raised, until
from tui.config import seeds_dir
from tui.ingest import load_seed_corpus
from tui.model import ItemQuery
from tui.store import Store
from tui.ui.app import AigeoApp, make_app
from tui.ui.screens.confirm import Confirm
from tui.ui.widgets.items import ItemList
from tui.ui.widgets.reader import Reader
from tui.ui.widgets.refresh_bar import RefreshBar
from tui.ui.widgets.sources import SourcesPanel, source_option_id


def seeds_feed_count() -> int:
    return (seeds_dir() / "feeds.opml").read_text("utf-8").count("xmlUrl=")


NOW = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)
AI_TEXT = "Export controls on Nvidia AI chips to China tighten as the Commerce Department acts."


async def wait_for_refresh(app: AigeoApp, pilot, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(timeout / 0.05)):
        await pilot.pause(0.05)
        if not any(w.group == "refresh" and not w.is_finished for w in app.workers):
            await pilot.pause()
            return
    raise AssertionError("refresh did not finish")


async def test_R_refreshes_all_and_new_items_appear_keeping_the_cursor(
    db_path: Path, feed_server: FeedServer
) -> None:
    items = [(f"g{n}", f"Chip story {n}", AI_TEXT) for n in range(3)]
    url = feed_server.route("/a.xml", Reply(body=rss(items, title="Alpha")))
    broken = feed_server.route("/broken.xml", Reply(status=500, body=b"oops"))
    with Store.open(db_path) as store:
        load_seed_corpus(store)
        store.add_source(url, "Alpha")
        store.add_source(broken, "Broken")
    app = make_app(db_path, clock=lambda: NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        listing = app.query_one(ItemList)
        await pilot.press("j", "j")
        kept = listing.current_item
        assert kept is not None
        await pilot.press("R")
        await wait_for_refresh(app, pilot)
        assert any("Refresh: 1 of 2 feeds ok" in n.message for n in raised(app))
        assert not app.query_one(RefreshBar).has_class("-active")
        assert listing.current_item is not None and listing.current_item.id == kept.id
        with Store.open(db_path) as store:
            assert store.count_items(ItemQuery(source_id=store.find_source(url).id)) == 3  # type: ignore[union-attr]
            failing = store.find_source(broken)
            assert failing is not None and failing.error_count == 1
        titles = {listing.row(i).title for i in range(listing.count)}  # type: ignore[union-attr]
        assert {"Chip story 0", "Chip story 2"} <= titles
        sources = app.query_one(SourcesPanel)
        row = str(sources.get_option(source_option_id(failing.id)).prompt)
        assert "✗" in row and "Broken" in row
        sources.focus()
        sources.highlighted = sources.get_option_index(source_option_id(failing.id))
        await until(pilot, lambda: "failed once" in app.query_one(Reader).plain)
        assert "500" in app.query_one(Reader).plain and "failed once" in app.query_one(Reader).plain


async def test_r_refreshes_only_the_selected_feed(db_path: Path, feed_server: FeedServer) -> None:
    a = feed_server.route("/a.xml", Reply(body=rss([("a1", "Alpha AI chips", AI_TEXT)])))
    b = feed_server.route("/b.xml", Reply(body=rss([("b1", "Beta AI chips", AI_TEXT)])))
    with Store.open(db_path) as store:
        a_id, _ = store.add_source(a, "Alpha")
        store.add_source(b, "Beta")
    app = make_app(db_path, clock=lambda: NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        sources = app.query_one(SourcesPanel)
        sources.focus()
        sources.highlighted = sources.get_option_index(source_option_id(a_id))
        await pilot.press("r")
        await wait_for_refresh(app, pilot)
    assert feed_server.hits("/a.xml") and not feed_server.hits("/b.xml")


async def test_first_run_offers_the_default_feeds_once(db_path: Path) -> None:
    app = make_app(db_path, clock=lambda: NOW, offer_defaults=True)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("y")
        await pilot.pause()
    with Store.open(db_path) as store:
        assert len(store.feed_sources()) == seeds_feed_count()
        assert store.count_items(ItemQuery(source_id=None)) == 0  # nothing fetched
    app = make_app(db_path, clock=lambda: NOW, offer_defaults=True)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert not isinstance(app.screen, Confirm)


async def test_quitting_during_a_slow_refresh_does_not_wait(
    db_path: Path, feed_server: FeedServer
) -> None:
    slow = feed_server.route("/slow.xml", Reply(body=rss([("s", "s", AI_TEXT)]), delay=120))
    with Store.open(db_path) as store:
        store.add_source(slow, "Slow")
    app = make_app(db_path, clock=lambda: NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("R")
        for _ in range(200):  # until the request has reached the server
            if feed_server.in_flight:
                break
            await pilot.pause(0.1)
        await pilot.press("q")
    # The app is gone while the server still holds the answer (for two minutes): quitting
    # did not wait for the refresh. Observed at the server, not on a clock.
    assert feed_server.in_flight == 1
