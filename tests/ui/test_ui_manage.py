"""Managing feeds and views in the dashboard (Pilot, real loopback feeds)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.support.feedserver import FeedServer, Reply, rss
from tests.support.pilot import raised
from tests.support.uihelpers import searched, until
from tui.model import Classification, ItemQuery, NewItem
from tui.store import Store
from tui.ui.app import AigeoApp, make_app
from tui.ui.screens.confirm import Confirm
from tui.ui.screens.feed_chooser import FeedChooser
from tui.ui.screens.prompt import TextPrompt
from tui.ui.screens.source_editor import SourceEditor
from tui.ui.widgets.items import ItemList
from tui.ui.widgets.sources import SourcesPanel, category_option_id, source_option_id

NOW = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)
HTML = {"Content-Type": "text/html"}


def app_for(path: Path) -> AigeoApp:
    return make_app(path, clock=lambda: NOW)


def toasts(app: AigeoApp) -> list[str]:
    return [n.message for n in raised(app)]


def two_feeds(path: Path) -> tuple[int, int]:
    with Store.open(path) as store:
        a, _ = store.add_source("https://a.test/feed", "Alpha", category="Think tanks")
        b, _ = store.add_source("https://b.test/feed", "Beta", category="Labs")
        for source_id, name in ((a, "a"), (b, "b")):
            store.save_items(
                source_id,
                [
                    (
                        NewItem(
                            guid=f"{name}{i}", title=f"{name} {i}", published=f"2025-07-0{i + 1}"
                        ),
                        Classification(),
                    )
                    for i in (1, 2)
                ],
            )
    return a, b


def highlight(app: AigeoApp, option_id: str) -> SourcesPanel:
    panel = app.query_one(SourcesPanel)
    panel.focus()
    panel.highlighted = panel.get_option_index(option_id)
    return panel


async def test_a_keeps_the_text_on_a_bad_url_and_adds_a_pages_feed(
    db_path: Path, feed_server: FeedServer
) -> None:
    feed = feed_server.route("/feed.xml", Reply(body=rss([("x1", "Found it", "text")])))
    links = (
        f'<link rel="alternate" type="application/rss+xml" title="Posts" href="{feed}">'
        '<link rel="alternate" type="application/atom+xml" title="Other" href="/o.atom">'
    )
    site = feed_server.route(
        "/", Reply(body=f"<html><head>{links}</head></html>".encode(), headers=HTML)
    )
    app = app_for(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("a", *"ftp://nope")
        await pilot.press("enter")
        assert isinstance(app.screen, TextPrompt)  # still open, the text kept, the reason said
        assert app.screen.query_one("Input").value == "ftp://nope"  # type: ignore[attr-defined]
        assert "only http and https" in str(app.screen.query_one("#prompt-problem").render())
        app.screen.query_one("Input").value = site  # type: ignore[attr-defined]
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FeedChooser))  # two feeds: choose
        await pilot.press("enter")  # the first, "Posts"
        with Store.open(db_path) as store:
            await until(pilot, lambda: store.find_source(feed) is not None)
        await until(pilot, lambda: app.query_one(ItemList).count == 1, timeout=30)


async def test_E_edits_D_disables_with_undo_and_delete_removes_after_asking(
    db_path: Path,
) -> None:
    alpha, beta = two_feeds(db_path)
    app = app_for(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        highlight(app, source_option_id(alpha))
        await pilot.press("E")
        assert isinstance(app.screen, SourceEditor)
        app.screen.query_one("#edit-title").value = "Alpha Institute"  # type: ignore[attr-defined]
        app.screen.query_one("#edit-category").value = "Labs"  # type: ignore[attr-defined]
        app.screen.query_one("#edit-url").focus()
        await pilot.press("enter")
        with Store.open(db_path) as store:
            edited = store.get_source(alpha)
        assert edited is not None and (edited.title, edited.category) == ("Alpha Institute", "Labs")
        highlight(app, source_option_id(alpha))
        await pilot.press("D")
        with Store.open(db_path) as store:
            assert store.get_source(alpha).disabled  # type: ignore[union-attr]
        await pilot.press("u")
        with Store.open(db_path) as store:
            assert not store.get_source(alpha).disabled  # type: ignore[union-attr]
        highlight(app, source_option_id(beta))
        await pilot.press("delete")
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")
        with Store.open(db_path) as store:
            assert store.get_source(beta) is not None
        highlight(app, source_option_id(beta))
        await pilot.press("delete", "y")
        with Store.open(db_path) as store:
            assert store.get_source(beta) is None
            assert store.count_items(ItemQuery(source_id=beta)) == 0
        assert any("Removed Beta and its 2 items" in t for t in toasts(app))


async def test_folders_fold_filter_and_category_search(db_path: Path) -> None:
    alpha, _ = two_feeds(db_path)
    app = app_for(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        panel = highlight(app, category_option_id("Think tanks"))
        ids = [panel.get_option_at_index(i).id for i in range(panel.option_count)]
        assert source_option_id(alpha) in ids
        await pilot.press("space")  # fold
        ids = [panel.get_option_at_index(i).id for i in range(panel.option_count)]
        assert source_option_id(alpha) not in ids and category_option_id("Think tanks") in ids
        await pilot.press("enter")  # the folder's items
        items = app.query_one(ItemList)
        assert items.count == 2 and "folder: Think tanks" in app.sub_title
        assert {items.row(i).source_id for i in range(2)} == {alpha}  # type: ignore[union-attr]
        await pilot.press("space")  # unfold
        ids = [panel.get_option_at_index(i).id for i in range(panel.option_count)]
        assert source_option_id(alpha) in ids
        panel.highlighted = 0
        await pilot.press("enter")  # all sources again
        items.focus()
        await pilot.press("slash", *'-category:"think TANKS"')
        await searched(app, pilot)
        shown = {items.row(i).source_id for i in range(items.count)}  # type: ignore[union-attr]
        assert items.count == 2 and alpha not in shown


async def test_views_are_renamed_and_deleted_in_place(seeded: Path) -> None:
    with Store.open(seeded) as store:
        view_id = store.save_view("Chips", "theme:chips")
    app = app_for(seeded)
    async with app.run_test(size=(160, 48)) as pilot:
        highlight(app, f"view:{view_id}")
        await pilot.press("E")
        assert isinstance(app.screen, TextPrompt)
        app.screen.query_one("Input").value = "Chip watch"  # type: ignore[attr-defined]
        await pilot.press("enter")
        with Store.open(seeded) as store:
            [(new_id, name, text)] = store.views()
        assert (name, text) == ("Chip watch", "theme:chips")
        highlight(app, f"view:{new_id}")
        await pilot.press("delete", "y")
        with Store.open(seeded) as store:
            assert store.views() == []
