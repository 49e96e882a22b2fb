"""Macros through the Pilot: `,` then a key runs binding ids in turn (tui.ui.macros)."""

from __future__ import annotations

from pathlib import Path

from tests.support.pilot import until
from tests.ui.test_ui_loop import NOW, fill, toasts
from tui.config import Settings
from tui.store import Store
from tui.ui.app import AigeoApp, make_app
from tui.ui.keys import binding_ids
from tui.ui.macros import checked_macros
from tui.ui.screens.trends import TrendsScreen
from tui.ui.widgets.items import ItemList


def app_with(path: Path, macros: dict[str, object]) -> AigeoApp:
    return make_app(path, clock=lambda: NOW, settings=Settings(macros=macros))


async def test_a_macro_runs_its_steps_in_turn(db_path: Path) -> None:
    fill(db_path, feeds=1, per_feed=3)
    app = app_with(db_path, {"r": ["star", "next_item"], "x": ["star", "star", "next_item"]})
    async with app.run_test(size=(120, 40)) as pilot:
        items = app.query_one(ItemList)
        first = items.current_item
        assert first is not None and items.cursor == 0
        await pilot.press("comma", "r")
        await until(pilot, lambda: items.cursor == 1)
        with Store.open(db_path) as store:
            assert store.get_item(first.id).starred  # step 1 acted on the first item
        second = items.current_item
        assert second is not None
        await pilot.press("comma", "x")  # star, unstar, move on
        await until(pilot, lambda: items.cursor == 2)
        with Store.open(db_path) as store:
            assert not store.get_item(second.id).starred


async def test_esc_cancels_and_an_unknown_key_only_says_so(db_path: Path) -> None:
    fill(db_path, feeds=1, per_feed=3)
    app = app_with(db_path, {"r": ["next_item"]})
    async with app.run_test(size=(120, 40)) as pilot:
        items = app.query_one(ItemList)
        await pilot.press("comma", "escape", "r")  # the r after a cancelled , is plain r
        await pilot.pause()
        assert items.cursor == 0
        await pilot.press("comma", "z")
        await until(pilot, lambda: any("No macro on ,z" in t for t in toasts(app)))
        assert items.cursor == 0 and not app.macros.pending


async def test_a_step_that_does_nothing_here_stops_the_macro_and_says_which(
    db_path: Path,
) -> None:
    fill(db_path, feeds=1, per_feed=3)
    app = app_with(db_path, {"t": ["trends", "star", "trends"]})
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("comma", "t")
        await until(pilot, lambda: isinstance(app.screen, TrendsScreen))
        await until(pilot, lambda: any("'star' does nothing here" in t for t in toasts(app)))
        with Store.open(db_path) as store:
            assert not any(i.starred for i in store.list_items())


async def test_bad_macros_are_reported_and_the_good_ones_kept(db_path: Path) -> None:
    fill(db_path, feeds=1, per_feed=2)
    app = app_with(db_path, {"r": ["next_item"], "bad": ["star"], "q": ["stra"], "e": []})
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        shown = " ".join(toasts(app))
        assert "'bad': a macro key is one character" in shown
        assert "no such action 'stra'" in shown
        assert "[macros] e: give a list of action ids" in shown
        assert set(app.macros.macros) == {"r"}


def test_checked_macros_names_each_problem() -> None:
    macros, problems = checked_macros(
        {"r": ["read", "next_unread"], " ": ["read"], "x": "read", "y": ["nope"]}, binding_ids()
    )
    assert macros == {"r": ["read", "next_unread"]}
    assert len(problems) == 3
