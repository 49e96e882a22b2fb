"""The counted side-panel list (Sources, Themes, Actors): rows fitted to the width."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from tests.support.pilot import until
from tui.ui.widgets.counted import CountedList, CountedRow


class OneList(App[None]):
    def compose(self) -> ComposeResult:
        yield CountedList()


def prompt(panel: CountedList) -> str:
    return str(panel.get_option_at_index(0).prompt)


async def test_counts_changed_while_hidden_show_when_it_is_shown_again() -> None:
    """A panel that is not laid out (hidden, or not yet sized) defers fitting its rows
    to the next Resize; coming back at the width it had must still show the new ones."""
    app = OneList()
    async with app.run_test(size=(40, 12)) as pilot:
        panel = app.query_one(CountedList)
        panel.show_rows([CountedRow("a", Text("alpha"), 1)])
        await until(pilot, lambda: panel.option_count == 1 and prompt(panel).endswith(" 1"))
        await until(pilot, lambda: panel.size.height == 1)  # laid out around its one row
        await pilot.pause()
        panel.display = False
        await until(pilot, lambda: panel.size.width == 0)  # hidden: not laid out
        panel.show_rows([CountedRow("a", Text("alpha"), 7)])
        panel.display = True
        await until(pilot, lambda: panel.size.width > 0)
        await pilot.pause()
        assert prompt(panel).endswith(" 7"), prompt(panel)


async def test_rows_filled_in_before_layout_are_fitted_to_the_real_width() -> None:
    app = OneList()
    async with app.run_test(size=(40, 12)) as pilot:
        panel = app.query_one(CountedList)
        await until(pilot, lambda: panel.size.width > 0)
        rows = [CountedRow(f"r{n}", Text(f"source {n}"), n) for n in range(30)]
        panel.show_rows(rows)  # more rows than lines: a scrollbar comes
        await until(pilot, lambda: panel.option_count == 30)
        await pilot.pause()
        width = panel.scrollable_content_region.width
        assert all(
            Text.from_markup(str(panel.get_option_at_index(i).prompt)).cell_len <= width
            for i in range(30)
        )
