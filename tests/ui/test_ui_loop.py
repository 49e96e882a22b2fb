"""The daily loop through the Pilot: search off the key path, worker errors, live updates,
screens owning their keys, the reading loop (n p J K Space A l)."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual import events

from tests.support.pilot import raised
from tests.support.uihelpers import screen_text, searched, until
from tui.model import Classification, ItemQuery, NewItem
from tui.query import parse_query
from tui.store import Store
from tui.ui.app import AigeoApp, make_app
from tui.ui.keys import help_sections, markdown_table
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.trends import TrendsScreen
from tui.ui.widgets.items import ItemList
from tui.ui.widgets.reader import Reader
from tui.ui.widgets.refresh_bar import RefreshBar
from tui.ui.widgets.search import SearchBar
from tui.ui.widgets.sources import SourcesPanel, source_option_id

NOW = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)


def app_for(path: Path) -> AigeoApp:
    return make_app(path, clock=lambda: NOW)


def listed(app: AigeoApp) -> list[int]:
    items = app.query_one(ItemList)
    return [items.row(i).id for i in range(items.count)]  # type: ignore[union-attr]


def toasts(app: AigeoApp) -> list[str]:
    return [n.message for n in raised(app)]


def fill(path: Path, feeds: int = 2, per_feed: int = 3) -> list[int]:
    """`feeds` sources of `per_feed` unread items each; returns the source ids."""
    ids = []
    with Store.open(path) as store:
        for f in range(feeds):
            source_id, _ = store.add_source(f"https://f{f}.test/feed", f"Feed {f}")
            items = [
                (
                    NewItem(
                        guid=f"{f}-{i}",
                        title=f"Feed {f} item {i}",
                        url=f"https://f{f}.test/{i}",
                        published=f"2025-07-{10 + f * per_feed + i:02d}T00:00:00+00:00",
                        content="long text\n\n" * 200,
                    ),
                    Classification(),
                )
                for i in range(per_feed)
            ]
            store.save_items(source_id, items)
            ids.append(source_id)
    return ids


# ---------------------------------------------------------------- 1. search off the key path


async def test_typing_fast_with_backspaces_while_the_query_is_slow_keeps_every_key(
    seeded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_calls: list[str] = []
    original = Store.count_items

    def slow_count(self: Store, query: ItemQuery | None = None) -> int:
        if threading.current_thread() is not threading.main_thread():
            slow_calls.append("worker")
            time.sleep(0.15)  # a slow query, as at a million items
        return original(self, query)

    monkeypatch.setattr(Store, "count_items", slow_count)
    app = app_for(seeded)
    async with app.run_test(size=(160, 48)) as pilot:
        keys = ["slash", *"deepseek", *["backspace"] * 8, *"nvidia"]
        for key in keys:
            await pilot.press(key)
        box = app.query_one(SearchBar).input
        assert box.value == "nvidia"  # every key arrived, in order
        await searched(app, pilot)
        assert slow_calls, "the query ran in the worker"
        with Store.open(seeded) as store:
            query = parse_query("nvidia", now=NOW).to_item_query(ItemQuery(limit=500))
            want = [r.id for r in store.list_items(query)]
        assert want and listed(app) == want
        status = str(app.query_one("#search-status").render())
        assert f"{len(want)} match" in status
        await pilot.press("ctrl+u", *"actor:Nvidia")
        assert box.value == "actor:Nvidia"


async def test_an_empty_result_says_so(seeded: Path) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("slash", *"zzqxvnothing")
        await searched(app, pilot)
        assert listed(app) == []
        assert "no match" in str(app.query_one("#search-status").render())
        assert "No items match" in app.query_one(ItemList).render_line(0).text


# ---------------------------------------------------------------- 2. worker errors surface


async def test_a_crashed_refresh_worker_says_why_resets_the_bar_and_marks_the_source(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    [source_id, _] = fill(db_path)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("poller exploded")

    import tui.feeds.refresh

    monkeypatch.setattr(tui.feeds.refresh, "refresh_sources", broken)
    app = app_for(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        app.dashboard.query_filter = replace(app.dashboard.query_filter, source_id=source_id)
        app.dashboard.apply_filter()
        await pilot.press("r")
        await until(pilot, lambda: any("poller exploded" in t for t in toasts(app)))
        assert any("Refresh failed: RuntimeError" in t for t in toasts(app))
        assert not app.query_one(RefreshBar).has_class("-active")
        row = str(app.query_one(SourcesPanel).get_option(source_option_id(source_id)).prompt)
        assert row.startswith("! ")
        before = len(toasts(app))
        await pilot.press("R")  # a second refresh starts (nothing is stuck "running")
        await until(pilot, lambda: len(toasts(app)) > before)
        assert not any("already running" in t for t in toasts(app))
        assert app.is_running


# ---------------------------------------------------------------- 3. live: other writers


async def test_items_and_sources_added_by_another_writer_appear_keeping_the_cursor(
    db_path: Path,
) -> None:
    fill(db_path, feeds=1)
    app = app_for(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("j")
        items = app.query_one(ItemList)
        kept = items.current_item
        assert kept is not None and items.count == 3
        with Store.open(db_path) as other:  # e.g. cron running `aigeo refresh`
            source_id, _ = other.add_source("https://new.test/feed", "Cron feed")
            other.save_items(
                source_id,
                [
                    (
                        NewItem(guid="n", title="Newest", published="2025-07-31T00:00:00+00:00"),
                        Classification(),
                    )
                ],
            )
        sources = app.query_one(SourcesPanel)
        await until(pilot, lambda: sources.option_count == 3)  # All + Feed 0 + Cron feed
        await until(pilot, lambda: items.count == 4)
        assert items.current_item is not None and items.current_item.id == kept.id


# ---------------------------------------------------------------- 4. screens own their keys


async def test_trends_does_not_act_on_the_hidden_list_nor_advertise_its_keys(
    db_path: Path,
) -> None:
    fill(db_path, feeds=1)
    app = app_for(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        first = app.query_one(ItemList).current_item
        assert first is not None
        await pilot.press("f2")
        assert isinstance(app.screen, TrendsScreen)
        footer = screen_text(app)
        for words in ("Star", "Read/unread", "Tag", "Search"):
            assert words not in footer
        await pilot.press("s", "m", "slash")
        assert isinstance(app.screen, TrendsScreen)
        with Store.open(db_path) as store:
            item = store.get_item(first.id)
        assert item is not None and not item.starred and not item.read


async def test_help_lists_every_binding_of_every_screen(seeded: Path) -> None:
    app = app_for(seeded)
    async with app.run_test(size=(120, 200)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        # under load the first screenshot can come before the help screen's first frame
        await until(pilot, lambda: "Everywhere" in screen_text(app))
        shown = screen_text(app)
        for where, bindings in help_sections(app):
            assert where.split()[0] in shown
            for binding in bindings:
                assert binding.description in shown, binding


def test_the_readme_keys_table_agrees_with_the_bindings() -> None:
    """The README's table is the one generated from the bindings (help shows the same)."""
    readme = (Path(__file__).parents[2] / "README.md").read_text("utf-8")
    assert markdown_table() in readme, "regenerate: uv run python -m tui.ui.keys"


# ---------------------------------------------------------------- 5. the reading loop


async def test_n_p_walk_unread_items_and_n_goes_on_to_the_next_feed(db_path: Path) -> None:
    first_feed, second_feed = fill(db_path, feeds=2, per_feed=3)
    app = app_for(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        items = app.query_one(ItemList)
        with Store.open(db_path) as store:
            store.set_read([items.row(1).id], True)  # type: ignore[union-attr]
        app.dashboard.reload_items()
        await pilot.press("n")
        assert items.cursor == 2  # row 1 is read: skipped
        await pilot.press("p")
        assert items.cursor == 0
        # filtered on the first feed, past its last unread item n moves to the next feed
        app.dashboard.query_filter = replace(app.dashboard.query_filter, source_id=second_feed)
        app.dashboard.apply_filter()
        with Store.open(db_path) as store:
            store.mark_read_where(ItemQuery(source_id=second_feed), True)
        app.dashboard.reload_items()
        await pilot.press("n")
        assert app.dashboard.query_filter.source_id == first_feed
        current = items.current_item
        assert current is not None and not current.read and current.source_id == first_feed


async def test_J_K_from_the_reader_and_space_pages_then_opens_the_next_unread(
    db_path: Path,
) -> None:
    fill(db_path, feeds=1, per_feed=3)
    app = app_for(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        items, reader = app.query_one(ItemList), app.query_one(Reader)
        await pilot.press("enter")
        assert app.focused is reader and items.cursor == 0
        await pilot.press("J")
        await until(pilot, lambda: items.cursor == 1 and reader.item is not None)
        assert reader.item.id == items.current_item.id  # type: ignore[union-attr]
        await pilot.press("K")
        await until(pilot, lambda: items.cursor == 0)
        await pilot.press("space")
        await until(pilot, lambda: reader.scroll_y > 0)  # a page of the long text
        assert items.cursor == 0
        for _ in range(60):
            if items.cursor != 0:
                break
            await pilot.press("space")
            await pilot.pause()
        assert items.cursor == 2  # row 1 was read by J: the next unread is row 2
        with Store.open(db_path) as store:
            assert store.get_item(items.current_item.id).read  # type: ignore[union-attr]


async def test_esc_and_a_key_in_one_terminal_read_are_both_acted_on(db_path: Path) -> None:
    """A terminal sends Esc then j typed fast as one `alt+j`: it leaves the reader and
    moves down, as Esc and j would; a bound Alt key stays the binding's."""
    fill(db_path, feeds=1, per_feed=3)
    app = app_for(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        items, reader = app.query_one(ItemList), app.query_one(Reader)
        await pilot.press("enter")
        assert app.focused is reader and items.cursor == 0
        app.post_message(events.Key("alt+j", "j"))
        await until(pilot, lambda: items.cursor == 1)
        assert app.focused is items
        await pilot.press("enter")
        assert app.focused is reader
        app.post_message(events.Key("alt+k", "k"))
        await until(pilot, lambda: items.cursor == 0)
        assert app.focused is items

        moved: list[str] = []
        app.bind("alt+x", "bell")
        app.action_bell = lambda: moved.append("bell")  # type: ignore[method-assign]
        await pilot.press("escape")
        app.post_message(events.Key("alt+x", "x"))
        await pilot.pause()
        assert moved == ["bell"]


async def test_A_marks_the_feed_read_and_l_hides_read_items(db_path: Path) -> None:
    first_feed, second_feed = fill(db_path, feeds=2, per_feed=3)
    app = app_for(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        items = app.query_one(ItemList)
        assert items.current_item is not None
        source = items.current_item.source_id
        await pilot.press("A")
        with Store.open(db_path) as store:
            assert store.count_items(ItemQuery(source_id=source, unread=True)) == 0
            other = first_feed if source == second_feed else second_feed
            assert store.count_items(ItemQuery(source_id=other, unread=True)) == 3
        await pilot.press("l")
        assert items.count == 3 and "unread only" in app.sub_title
        await pilot.press("l")
        assert items.count == 6


def test_the_readme_names_every_remappable_binding_id() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text("utf-8")
    listed = readme[readme.index("Binding ids:") :]
    listed = listed[: listed.index("`.")]
    ids = {b.id for _, bindings in help_sections() for b in bindings if b.id}
    assert ids == set(listed.replace("Binding ids:", "").replace("`", "").split())
