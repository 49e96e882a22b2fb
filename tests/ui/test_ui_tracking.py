"""Keyboard tracking through the Pilot: star, read, tags, theme decisions, undo, links, help."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from tests.support.pilot import raised, until
from tui.ingest import retheme
from tui.model import Classification, ItemQuery, NewItem
from tui.store import Store
from tui.ui.app import AigeoApp, make_app
from tui.ui.screens.confirm import Confirm
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.tag_prompt import TagPrompt, parse_tags
from tui.ui.screens.theme_editor import THEME_KEYS, ThemeEditor
from tui.ui.widgets.items import ItemList
from tui.ui.widgets.sources import SourcesPanel, tag_option_id

FIXED_NOW = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)


def app_for(path: Path) -> AigeoApp:
    return make_app(path, clock=lambda: FIXED_NOW)


def current_id(app: AigeoApp) -> int:
    item = app.query_one(ItemList).current_item
    assert item is not None
    return item.id


def item_state(path: Path, item_id: int):  # type: ignore[no-untyped-def]
    with Store.open(path) as store:
        return store.get_item(item_id)


async def test_s_stars_and_m_toggles_read_and_u_undoes(seeded: Path) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(160, 48)) as pilot:
        item_id = current_id(app)
        await pilot.press("s")
        assert item_state(seeded, item_id).starred
        assert app.query_one(ItemList).current_item.starred  # type: ignore[union-attr]
        await pilot.press("m")
        assert item_state(seeded, item_id).read
        await pilot.press("m")
        assert not item_state(seeded, item_id).read
        await pilot.press("u", "u")  # undo unread, undo read → unread again
        assert not item_state(seeded, item_id).read
        await pilot.press("u")  # undo the star
        assert not item_state(seeded, item_id).starred


async def test_capital_m_marks_the_filter_read_and_u_restores(seeded: Path) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(160, 48)) as pilot:
        app.dashboard.query_filter = replace(app.dashboard.query_filter, theme="markets")
        app.dashboard.apply_filter()
        await pilot.press("M")
        with Store.open(seeded) as store:
            assert store.count_items(ItemQuery(theme="markets", unread=True)) == 0
            assert store.count_items(ItemQuery(unread=True)) > 0  # others untouched
        await pilot.press("u")
        with Store.open(seeded) as store:
            assert store.count_items(ItemQuery(theme="markets", unread=False)) == 0


async def test_t_tags_with_completion_and_escape_cancels(seeded: Path) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(160, 48)) as pilot:
        item_id = current_id(app)
        await pilot.press("t")
        assert isinstance(app.screen, TagPrompt)
        await pilot.press(*"brief follow-up", "enter")
        await pilot.pause()
        assert item_state(seeded, item_id).tags == ["brief", "follow-up"]
        await pilot.press("j", "t", "b", "r", "tab", *"us-ch", "tab", "enter")
        await pilot.pause()
        second = current_id(app)
        assert item_state(seeded, second).tags == ["brief", "us-china"]
        await pilot.press("t", *"nothing", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, TagPrompt)
        assert item_state(seeded, second).tags == ["brief", "us-china"]
        await pilot.press("t", *"-brief", "enter")
        await pilot.pause()
        assert item_state(seeded, second).tags == ["us-china"]


async def test_filter_by_tag_from_the_sources_panel(seeded: Path) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("j", "j", "t", *"brief", "enter")
        await pilot.pause()
        tagged = current_id(app)
        sources = app.query_one(SourcesPanel)
        sources.focus()
        sources.highlighted = sources.get_option_index(tag_option_id("brief"))
        await pilot.press("enter")
        await pilot.pause()
        items = app.query_one(ItemList)
        assert items.count == 1 and items.row(0).id == tagged  # type: ignore[union-attr]
        assert "tag: brief" in app.sub_title


async def test_capital_t_tags_every_item_in_the_filter_after_confirming(seeded: Path) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(160, 48)) as pilot:
        app.dashboard.query_filter = replace(app.dashboard.query_filter, theme="chips")
        app.dashboard.apply_filter()
        expected = app.query_one(ItemList).count
        await pilot.press("T")
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        assert f"Tag all {expected} items" in str(app.screen.query_one("Label").render())
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, TagPrompt))
        await pilot.press(*"weekly", "enter")
        await pilot.pause()
        with Store.open(seeded) as store:
            assert store.count_items(ItemQuery(tag="weekly")) == expected
        await pilot.press("T", "n")
        assert not isinstance(app.screen, Confirm | TagPrompt)


async def test_e_theme_decisions_are_user_origin_and_survive_retheme(seeded: Path) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(160, 48)) as pilot:
        items = app.query_one(ItemList)
        while items.current_item and not any(
            t.id == "open-models" for t in items.current_item.themes
        ):
            await pilot.press("j")
        item_id = current_id(app)
        await pilot.press("e")
        assert isinstance(app.screen, ThemeEditor)
        theme_ids = app.lexicon.theme_ids
        reject = THEME_KEYS[theme_ids.index("open-models")]
        add = THEME_KEYS[theme_ids.index("defense")]
        await pilot.press(reject, reject, add, "enter")  # open-models: auto→yes→no; defense: yes
        await pilot.pause()
    with Store.open(seeded) as store:
        assert store.user_theme_decisions(item_id) == {"open-models": False, "defense": True}
        retheme(store)
        themes = {t.id: t.origin for t in store.get_item(item_id).themes}  # type: ignore[union-attr]
        assert "open-models" not in themes and themes["defense"] == "user"


async def test_o_opens_and_y_copies_only_web_links(db_path: Path) -> None:
    with Store.open(db_path) as store:
        source_id, _ = store.add_source("https://a.test/feed", "A")
        store.save_items(
            source_id,
            [
                (
                    NewItem(
                        guid="1",
                        title="web",
                        url="https://a.test/1",
                        published="2025-07-02T00:00:00+00:00",
                    ),
                    Classification(),
                ),
                (
                    NewItem(
                        guid="2",
                        title="odd",
                        url="javascript:alert(1)",
                        published="2025-07-01T00:00:00+00:00",
                    ),
                    Classification(),
                ),
            ],
        )
    app = app_for(db_path)
    opened: list[str] = []
    app.open_url = lambda url, new_tab=True: opened.append(url)  # type: ignore[method-assign]
    app.shared.browser_available = lambda: True
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("o", "y")
        assert opened == ["https://a.test/1"] and app.clipboard == "https://a.test/1"
        await pilot.press("j", "o", "y")
        assert opened == ["https://a.test/1"] and app.clipboard == "https://a.test/1"

        app.shared.browser_available = lambda: False  # e.g. over ssh, no $BROWSER
        await pilot.press("k", "o")
        assert opened == ["https://a.test/1"]  # nothing was "opened"…
        texts = [n.message for n in raised(app)]
        assert any("No web browser found" in t for t in texts)  # …and it says so


async def test_question_mark_lists_every_binding(seeded: Path) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await until(pilot, lambda: "Mark" in app.export_screenshot())  # rendered
        shown = app.export_screenshot()
        for words in (
            "Star",
            "Tag all in filter",
            "Undo",
            "Open link",
            "Copy link",
            "Mark all read",
            "Help",
        ):
            assert words.replace(" ", "&#160;") in shown or words in shown, words
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


def test_parse_tags() -> None:
    assert parse_tags("Brief, follow-up  -old #x") == (["brief", "follow-up", "x"], ["old"])
    assert parse_tags("  ") == ([], [])
    assert parse_tags("a a -b -b") == (["a"], ["b"])


async def test_keys_are_remappable_from_settings(seeded: Path) -> None:
    from tui.config import Settings

    app = make_app(seeded, clock=lambda: FIXED_NOW, settings=Settings(keys={"star": "S"}))
    async with app.run_test(size=(160, 48)) as pilot:
        item_id = current_id(app)
        await pilot.press("s")
        assert not item_state(seeded, item_id).starred
        await pilot.press("S")
        assert item_state(seeded, item_id).starred


async def test_theme_choice_is_saved_to_the_config(seeded: Path) -> None:
    from tui.config import load_settings

    app = app_for(seeded)
    async with app.run_test(size=(160, 48)) as pilot:
        app.theme = "nord"
        await pilot.pause()
    assert load_settings().ui_theme == "nord"
    again = make_app(seeded, clock=lambda: FIXED_NOW, settings=load_settings())
    async with again.run_test(size=(160, 48)):
        assert again.theme == "nord"
