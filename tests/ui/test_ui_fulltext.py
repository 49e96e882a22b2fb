"""`f` in the dashboard: the full article arrives in a thread worker; failures change nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from textual.pilot import Pilot

from tests.feeds.test_fulltext import ALLOW_PRIVATE, HTML, PAGE, store_entry
from tests.support.feedserver import FeedServer, Reply
from tests.support.pilot import raised
from tui.store import Store
from tui.ui.app import AigeoApp, make_app
from tui.ui.widgets.reader import Reader

NOW = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)


async def wait_for_article(app: AigeoApp, pilot: Pilot[None], timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.05)):
        await pilot.pause(0.05)
        if not any(w.group == "article" and not w.is_finished for w in app.workers):
            await pilot.pause()
            return
    raise AssertionError("the article fetch did not finish")


async def test_f_fetches_the_full_article_into_the_reader(
    db_path: Path, feed_server: FeedServer
) -> None:
    url = feed_server.route("/news/chips", Reply(200, PAGE, headers=HTML))
    (db_path.parent / "config.toml").write_text(ALLOW_PRIVATE, encoding="utf-8")
    with Store.open(db_path) as store:
        item_id = store_entry(store, url)
        store.add_tags([item_id], ["watch"])
    app = make_app(db_path, clock=lambda: NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        assert "zirconium" not in app.query_one(Reader).plain
        await pilot.press("f")
        await wait_for_article(app, pilot)
        assert "zirconium-grade" in app.query_one(Reader).plain
        assert any("Full article:" in n.message for n in raised(app))
    with Store.open(db_path) as store:
        item = store.get_item(item_id)
        assert item is not None and "zirconium-grade" in item.text and item.tags == ["watch"]


async def test_f_failure_is_a_warning_and_changes_nothing(
    db_path: Path, feed_server: FeedServer
) -> None:
    url = feed_server.route("/gone", Reply(404, b"gone", headers=HTML))
    (db_path.parent / "config.toml").write_text(ALLOW_PRIVATE, encoding="utf-8")
    with Store.open(db_path) as store:
        item_id = store_entry(store, url)
        before = store.get_item(item_id)
    app = make_app(db_path, clock=lambda: NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("f")
        await wait_for_article(app, pilot)
        warnings = [n.message for n in raised(app) if n.severity == "warning"]
        assert any("Full article not fetched: the site answered HTTP 404" in m for m in warnings)
    with Store.open(db_path) as store:
        assert store.get_item(item_id) == before
