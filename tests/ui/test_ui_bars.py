"""The key bar and the title bar (tui.ui.widgets.key_footer, title_bar): the shown keys
of what has focus with the palette's at the right, redrawn when focus moves, a click
presses the key; the title says what the list shows."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.support.pilot import until
from tui.store import Store
from tui.ui.app import make_app
from tui.ui.screens.trends import TrendsScreen
from tui.ui.widgets.items import ItemList
from tui.ui.widgets.key_footer import KeyFooter

FIXED_NOW = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)


def bar_text(app: object) -> str:
    footer = app.screen.query_one(KeyFooter)  # type: ignore[attr-defined]
    return str(footer.render())


async def test_the_bar_follows_focus_and_keeps_the_palette_at_the_right(seeded: Path) -> None:
    app = make_app(seeded, clock=lambda: FIXED_NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.query_one(ItemList).count > 0)
        text = bar_text(app)
        assert "s Star" in text and "/ Search" in text and "Open" in text
        assert text.rstrip().endswith("^p palette") and len(text) == 160
        await pilot.press("enter")  # the reader has focus: its keys, not the list's
        await until(pilot, lambda: "Page down" in bar_text(app))
        assert "Open" not in bar_text(app)
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, TrendsScreen))
        await until(pilot, lambda: "Back" in bar_text(app))
        assert "Star" not in bar_text(app) and "Search" not in bar_text(app)


async def test_at_80_columns_whole_keys_are_dropped_not_cut(seeded: Path) -> None:
    app = make_app(seeded, clock=lambda: FIXED_NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.query_one(ItemList).count > 0)
        text = bar_text(app)
        assert len(text) == 80 and text.rstrip().endswith("^p palette")
        footer = app.screen.query_one(KeyFooter)
        shown = [description for _, _, description, _ in footer.entries()]
        drawn = [d for d in shown if d and d in text]
        assert drawn and all(f" {d} " in text for d in drawn)  # never half a label
        assert len(drawn) < len(shown)  # 80 columns do not hold them all


async def test_a_click_on_a_key_presses_it(seeded: Path) -> None:
    app = make_app(seeded, clock=lambda: FIXED_NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        items = app.query_one(ItemList)
        await until(pilot, lambda: items.count > 0)
        current = items.current_item
        assert current is not None and not current.starred
        footer = app.screen.query_one(KeyFooter)
        column = bar_text(app).index(" s Star") + 1
        assert footer.key_at(column) == ("s", True)
        await pilot.click(KeyFooter, offset=(column, 0))
        with Store.open(seeded) as store:
            await until(pilot, lambda: store.get_item(current.id).starred)  # type: ignore[union-attr]


async def test_the_title_bar_says_what_the_list_shows(seeded: Path) -> None:
    from tui.ui.widgets.title_bar import TitleBar

    app = make_app(seeded, clock=lambda: FIXED_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.query_one(ItemList).count > 0)
        bar = app.query_one(TitleBar)
        assert str(bar.render()) == "aigeo — all items"
        await pilot.press("slash", *"deepseek", "enter")
        await until(pilot, lambda: "deepseek" in str(bar.render()))
        assert str(bar.render()).startswith("aigeo — ")
