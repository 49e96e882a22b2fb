"""The search bar and saved views through the Pilot."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.uihelpers import searched, until
from tui.model import Classification, ItemQuery, NewItem
from tui.query import parse_query
from tui.store import Store
from tui.ui.app import AigeoApp, make_app
from tui.ui.widgets.items import ItemList
from tui.ui.widgets.search import SearchBar
from tui.ui.widgets.sources import SourcesPanel

NOW = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)


def app_for(path: Path) -> AigeoApp:
    return make_app(path, clock=lambda: NOW)


def listed(app: AigeoApp) -> list[str]:
    items = app.query_one(ItemList)
    return [items.row(i).title for i in range(items.count)]  # type: ignore[union-attr]


def expected(path: Path, text: str) -> list[str]:
    with Store.open(path) as store:
        query = parse_query(text, now=NOW).to_item_query(ItemQuery(limit=500))
        return [row.title for row in store.list_items(query)]


async def test_slash_searches_as_you_type(seeded: Path) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("slash")
        assert app.query_one(SearchBar).has_class("-open")
        await pilot.press(*"Bitco")
        await searched(app, pilot)
        assert listed(app) == expected(seeded, "Bitco")  # prefix-free: "Bitco" matches nothing
        await pilot.press("i", "n")
        await searched(app, pilot)
        assert listed(app) == expected(seeded, "Bitcoin") and listed(app)
        status = str(app.query_one("#search-status").render())
        assert f"{len(listed(app))} match" in status
        assert "search:" in app.sub_title
        await pilot.press("enter")
        assert app.focused is app.query_one(ItemList)
        assert listed(app) == expected(seeded, "Bitcoin")


async def test_query_language_filters_and_reports_errors(seeded: Path) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("slash", *"theme:markets -bitcoin since:abc")
        await searched(app, pilot)
        want = expected(seeded, "theme:markets -bitcoin")
        assert listed(app) == want and want
        assert "since" in str(app.query_one("#search-status").render())


async def test_escape_clears_the_search(seeded: Path) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(160, 48)) as pilot:
        everything = len(listed(app))
        await pilot.press("slash", *"hotel")
        await searched(app, pilot)
        assert len(listed(app)) < everything
        await pilot.press("escape")
        await searched(app, pilot)
        assert len(listed(app)) == everything
        assert not app.query_one(SearchBar).has_class("-open")


async def test_search_narrows_the_panel_filter(seeded: Path) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(160, 48)) as pilot:
        app.dashboard.query_filter = replace(app.dashboard.query_filter, theme="open-models")
        app.dashboard.apply_filter()
        await pilot.press("slash", *"sputnik")
        await searched(app, pilot)
        assert listed(app) == expected(seeded, "theme:open-models sputnik")


async def test_ctrl_s_saves_a_view_listed_with_its_count(seeded: Path) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("slash", *"theme:chips", "ctrl+s", *"Chips watch", "enter")
        await pilot.pause()
        with Store.open(seeded) as store:
            [(view_id, name, text)] = store.views()
        assert (name, text) == ("Chips watch", "theme:chips")
        sources = app.query_one(SourcesPanel)
        row = str(sources.get_option(f"view:{view_id}").prompt)
        assert "Chips watch" in row and str(len(expected(seeded, "theme:chips"))) in row
        await pilot.press("escape")  # clear the search
        sources.focus()
        sources.highlighted = sources.get_option_index(f"view:{view_id}")
        await pilot.press("enter")
        await searched(app, pilot)
        assert listed(app) == expected(seeded, "theme:chips")
        assert app.query_one(SearchBar).input.value == "theme:chips"


@pytest.mark.parametrize("text", ['"', "theme:", "-", "NEAR(", "\x1b[2J", "[@click=app.quit]"])
async def test_half_typed_and_hostile_queries_are_harmless(seeded: Path, text: str) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("slash")
        app.query_one(SearchBar).input.value = text
        await pilot.pause()
        assert app.is_running


async def test_keys_typed_in_one_burst_after_slash_land_in_the_box(seeded: Path) -> None:
    """A terminal delivers `/abc` typed fast (or pasted) in one read: every key reaches
    the app before any is handled, so the box must take focus the moment `/` is."""
    from textual import events

    app = app_for(seeded)
    async with app.run_test(size=(160, 48)) as pilot:
        for key, char in [("slash", "/"), ("b", "b"), ("i", "i"), ("t", "t")]:
            app.post_message(events.Key(key, char))
        await searched(app, pilot)
        assert app.query_one(SearchBar).input.value == "bit"
        assert app.focused is app.query_one(SearchBar).input
        await pilot.press("slash", "x")  # `/` in the box is text, not a new search
        assert app.query_one(SearchBar).input.value == "bit/x"


async def test_edits_typed_in_one_burst_act_in_the_order_typed(seeded: Path) -> None:
    """Backspace and Ctrl+U arriving in the same terminal read as letters act in order:
    a stock Input ran them after the letters behind them (`deepse`, not `nvidia`)."""
    from textual import events

    def burst(keys: list[str]) -> None:
        for key in keys:
            app.post_message(events.Key(key, key if len(key) == 1 else None))

    app = app_for(seeded)
    async with app.run_test(size=(160, 48)) as pilot:
        burst(["slash", *"deepseek", *["backspace"] * 8, *"nvidia"])
        await searched(app, pilot)
        assert app.query_one(SearchBar).input.value == "nvidia"
        burst(["ctrl+u", *"actor:Nvidia", "left", "left", "backspace", "x"])
        await searched(app, pilot)
        assert app.query_one(SearchBar).input.value == "actor:Nvixia"


async def test_escape_in_the_list_clears_the_search_enter_kept(seeded: Path) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(160, 48)) as pilot:
        everything = listed(app)
        await pilot.press("slash", *"Bitcoin")
        await searched(app, pilot)
        await pilot.press("enter")
        assert app.focused is app.query_one(ItemList)
        assert listed(app) == expected(seeded, "Bitcoin") != everything
        await pilot.press("escape")
        await until(pilot, lambda: listed(app) == everything)
        assert not app.query_one(SearchBar).display
        assert "search:" not in app.sub_title
        assert app.focused is app.query_one(ItemList)
        await pilot.press("escape")  # nothing left to clear: still the whole list
        await pilot.pause()
        assert listed(app) == everything


async def test_the_match_count_follows_items_another_writer_adds(seeded: Path) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("slash", *"Bitcoin")
        await searched(app, pilot)
        await pilot.press("enter")
        before = len(listed(app))
        status = app.query_one("#search-status")
        assert f"{before} match" in str(status.render())
        with Store.open(seeded) as other:  # e.g. cron running `aigeo refresh`
            source_id, _ = other.add_source("https://new.test/feed", "Cron feed")
            other.save_items(
                source_id,
                [
                    (
                        NewItem(guid="n", title="Bitcoin and AI chips", published=NOW.isoformat()),
                        Classification(),
                    )
                ],
            )
        await until(pilot, lambda: len(listed(app)) == before + 1)
        await until(pilot, lambda: f"{before + 1} match" in str(status.render()))


async def test_a_query_run_now_supersedes_a_keystroke_still_in_its_debounce(
    seeded: Path,
) -> None:
    """A saved view opened while the last keystroke's timer is pending: when the timer
    fires, the view's query must stay the filter (the old keystroke's text came back)."""
    app = app_for(seeded)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("slash")
        bar = app.query_one(SearchBar)
        bar.input.insert_text_at_cursor("Bitcoin")  # Changed: the debounce timer starts
        await pilot.pause()
        assert app.dashboard.searching.pending
        app.dashboard.show_search("hotels")  # e.g. a saved view, in the same moment
        await pilot.pause(0.5)  # past the debounce
        await until(pilot, lambda: not app.dashboard.searching.pending)
        assert listed(app) == expected(seeded, "hotels") != expected(seeded, "Bitcoin")
        assert bar.input.value == "hotels"


async def test_enter_moves_the_focus_to_the_list_at_once(seeded: Path) -> None:
    """Enter in the box: the list has the focus before the next key is read, so a `/`
    typed right after opens a new search instead of landing in the box as text."""
    app = app_for(seeded)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("slash", *"Bitcoin")
        await searched(app, pilot)
        app.dashboard.searching.done(SearchBar.Done("Bitcoin"))
        assert app.focused is app.query_one(ItemList)
        await pilot.press("slash", *"hotels")
        await searched(app, pilot)
        assert app.query_one(SearchBar).input.value == "hotels"
        assert listed(app) == expected(seeded, "hotels")
