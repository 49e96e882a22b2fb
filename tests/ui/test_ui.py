"""The dashboard through Textual's Pilot: filters, opening items, inert feed text."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tui.model import Classification, ItemQuery, NewItem
from tui.store import Store
from tui.ui.app import AigeoApp, make_app
from tui.ui.widgets.items import ItemList
from tui.ui.widgets.reader import Reader
from tui.ui.widgets.sources import SourcesPanel
from tui.ui.widgets.themes import ThemesPanel, theme_option_id

FIXED_NOW = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)


def app_for(path: Path) -> AigeoApp:
    return make_app(path, clock=lambda: FIXED_NOW)


def reader_text(app: AigeoApp) -> str:
    return app.query_one(Reader).plain


def shown_ids(app: AigeoApp) -> list[int]:
    items = app.query_one(ItemList)
    return [items.row(i).id for i in range(items.count)]  # type: ignore[union-attr]


async def test_starts_with_seed_corpus_newest_first(seeded: Path) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(160, 48)):
        with Store.open(seeded) as store:
            expected = [r.id for r in store.list_items(ItemQuery(limit=500))]
        assert shown_ids(app) == expected and len(expected) >= 5
        assert app.focused is app.query_one(ItemList)
        sources = app.query_one(SourcesPanel)
        assert sources.option_count == 2  # "All sources" + "Seed corpus"
        themes = app.query_one(ThemesPanel)
        assert themes.option_count == 12
        row = str(themes.get_option_at_index(1).prompt)
        assert "Open vs closed models" in row and "▁" in row  # a 30-day sparkline


async def test_selecting_a_theme_filters_the_list(seeded: Path) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(160, 48)) as pilot:
        themes = app.query_one(ThemesPanel)
        themes.focus()
        target = themes.get_option_index(theme_option_id("markets"))
        for _ in range(target):
            await pilot.press("j")
        await pilot.press("enter")
        await pilot.pause()
        with Store.open(seeded) as store:
            expected = [r.id for r in store.list_items(ItemQuery(theme="markets", limit=500))]
            everything = store.count_items()
        assert expected and len(expected) < everything
        assert shown_ids(app) == expected
        assert "Markets" in app.sub_title


async def test_enter_opens_item_in_reader_and_marks_it_read(seeded: Path) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("j")
        items = app.query_one(ItemList)
        current = items.current_item
        assert current is not None and items.cursor == 1
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is app.query_one(Reader)
        assert current.title.split()[0] in reader_text(app)
        with Store.open(seeded) as store:
            assert store.get_item(current.id).read  # type: ignore[union-attr]
        await pilot.press("escape", "k")
        assert items.cursor == 0


async def test_hostile_feed_text_renders_literally_and_runs_nothing(db_path: Path) -> None:
    title = "[@click=app.quit]Quit[/] [bold red]x\x1b]8;;http://evil\x07link\x1b]8;;\x07 \x1b[2J"
    with Store.open(db_path) as store:
        source_id, _ = store.add_source("https://evil.test/feed", "[b]Evil[/b]\x1b[31m")
        store.save_items(
            source_id,
            [
                (
                    NewItem(
                        guid="1",
                        title=title,
                        text="[link=http://x]body[/link]\x9b31m",
                        published="2025-07-31T00:00:00+00:00",
                    ),
                    Classification(),
                ),
            ],
        )
    app = app_for(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running
        shown = reader_text(app)
        assert "[@click=app.quit]Quit[/]" in shown
        assert "[link=http://x]body[/link]" in shown
        assert "\x1b" not in shown and "\x9b" not in shown
        screen = app.export_screenshot()
        assert "@click=app.quit]Quit[/]" in screen and "\x1b" not in screen
        items = app.query_one(ItemList)
        row_text = items._row_text(items.row(0), 120)  # type: ignore[arg-type]
        assert "[@click=app.quit]Quit[/]" in row_text.plain
        await pilot.click(ItemList, offset=(30, 2))
        await pilot.pause()
        assert app.is_running


async def test_q_quits(seeded: Path) -> None:
    app = app_for(seeded)
    async with app.run_test() as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_narrow_terminal_still_shows_every_panel(seeded: Path) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(80, 24)):
        for widget in (SourcesPanel, ThemesPanel, ItemList, Reader):
            region = app.query_one(widget).region
            assert region.width > 10 and region.height >= 3, widget
