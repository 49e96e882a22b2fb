"""The analysis layer in the dashboard: stories toggle, Actors panel, Trends screen, brief."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import Input, Sparkline, Static

from tests.analysis.test_brief import fill
from tests.support.newsdata import ARTICLES
from tests.support.pilot import until
from tui.model import ItemQuery
from tui.store import Store
from tui.ui.app import AigeoApp, make_app
from tui.ui.screens.prompt import TextPrompt
from tui.ui.screens.trends import TrendsScreen
from tui.ui.widgets.actors import ActorsPanel, actor_option_id
from tui.ui.widgets.items import ItemList
from tui.ui.widgets.reader import Reader

NOW = datetime(2025, 4, 20, 12, tzinfo=UTC)  # the week of the H20 story


@pytest.fixture
def news(db_path: Path) -> Path:
    with Store.open(db_path) as store:
        fill(store, ARTICLES)
    return db_path


def app_for(path: Path) -> AigeoApp:
    return make_app(path, clock=lambda: NOW)


def titles(app: AigeoApp) -> list[str]:
    items = app.query_one(ItemList)
    return [items.row(i).title for i in range(items.count)]  # type: ignore[union-attr]


async def test_v_toggles_between_items_and_stories(news: Path) -> None:
    app = app_for(news)
    async with app.run_test(size=(160, 48)) as pilot:
        items = app.query_one(ItemList)
        assert items.count == len(ARTICLES)
        await pilot.press("v")
        await pilot.pause()
        assert items.stories and items.border_title == "Stories"
        assert items.count == len({a.story for a in ARTICLES})
        h20 = next(items.row(i) for i in range(items.count) if "H20" in items.row(i).title)
        assert h20.story_sources == 3
        assert "+2 " in items._row_text(h20, 120).plain  # the list says how many more sources
        items.cursor = next(i for i in range(items.count) if items.row(i).id == h20.id)
        await pilot.pause()
        reader = app.query_one(Reader).plain
        assert "Also reported by:" in reader and "Wire" in reader
        await pilot.press("v")
        await pilot.pause()
        assert not items.stories and items.count == len(ARTICLES)


async def test_actors_panel_counts_the_filter_and_filters_by_an_actor(news: Path) -> None:
    app = app_for(news)
    async with app.run_test(size=(160, 48)) as pilot:
        panel = app.query_one(ActorsPanel)
        await pilot.pause()
        rows = {panel.get_option_at_index(i).id for i in range(panel.option_count)}
        assert actor_option_id("Nvidia") in rows and actor_option_id("ASML") in rows
        panel.focus()
        target = panel.get_option_index(actor_option_id("ASML"))
        panel.highlighted = target
        await pilot.press("enter")
        await until(pilot, lambda: panel.selected == "ASML")
        with Store.open(news) as store:
            expected = [r.title for r in store.list_items(ItemQuery(actor="ASML"))]
        assert titles(app) == expected and len(expected) == 2
        assert panel.selected == "ASML" and "ASML" in panel.border_subtitle
        counted = {panel.get_option_at_index(i).id for i in range(panel.option_count)}
        assert actor_option_id("OpenAI") in counted  # its own filter is left out: a selector
        app.dashboard.query_filter = replace(
            app.dashboard.query_filter, theme="governance"
        )  # another filter narrows the counts
        app.dashboard.apply_filter()
        await pilot.pause()
        counted = {panel.get_option_at_index(i).id for i in range(panel.option_count)}
        assert actor_option_id("European Union") in counted
        assert actor_option_id("Nvidia") not in counted
        app.dashboard.query_filter = replace(app.dashboard.query_filter, theme=None)
        panel.highlighted = 0  # "All actors"
        await pilot.press("enter")
        await pilot.pause()
        assert len(titles(app)) == len(ARTICLES)


async def test_trends_screen_opens_and_shows_the_rising_theme(news: Path) -> None:
    app = app_for(news)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TrendsScreen)
        # that week's chips news is the H20 story told by three outlets and the ASML curbs
        # told by two (chips since the issue-13 lexicon): each counted once, so two stories
        # do not make the theme rise
        chips = next(t for t in screen.report.themes if t.label == "chips")
        assert (chips.this_week, chips.this_week_articles) == (2, 5) and not chips.rising
        texts = " ".join(str(w.render()) for w in screen.query(Static))
        assert "Rising themes" in texts and "Chips & export controls" in texts
        assert len(screen.query(Sparkline)) == len(app.lexicon.themes)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, TrendsScreen)


async def test_trends_screen_fits_80_columns(news: Path) -> None:
    app = app_for(news)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, TrendsScreen)


async def test_b_writes_a_brief_of_the_current_filter(news: Path, tmp_path: Path) -> None:
    app = app_for(news)
    target = tmp_path / "week.html"
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
    page = target.read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert "Nvidia expects $5.5 billion charge" in page  # the week of 14-20 April 2025
    assert "Netherlands tightens" not in page  # no AI theme: not in a themed brief
