"""Watchlists, alerts and notes in the dashboard, through the Pilot, with a real feed
server: W watches the search, a refresh alerts (notification, badge, Alerts screen),
i edits a note, the Trends screen draws a sparkline per watched view, b remembers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from textual.widgets import OptionList, Sparkline, TextArea

from tests.support.feedserver import FeedServer, Reply, rss
from tests.support.pilot import raised
from tests.ui.test_ui_refresh import wait_for_refresh
from tui.analysis.watch import list_alerts, view_infos, watch_view
from tui.store import Store
from tui.ui.app import make_app
from tui.ui.screens.alerts import AlertsScreen
from tui.ui.screens.note_editor import NoteEditor
from tui.ui.screens.prompt import TextPrompt
from tui.ui.screens.trends import TrendsScreen
from tui.ui.widgets.items import ItemList
from tui.ui.widgets.reader import Reader
from tui.ui.widgets.sources import SourcesPanel

NOW = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)
CHIPS = "Export controls on Nvidia AI chips to China tighten as the Commerce Department acts."
OTHER = "The weather in Lisbon stays warm and dry this week, forecasters said on Monday."


def _view_row(app, name: str) -> str:  # type: ignore[no-untyped-def]
    sources = app.query_one(SourcesPanel)
    (info,) = [v for v in view_infos(app.store) if v.name == name]
    return str(sources.get_option(f"view:{info.id}").prompt)


async def test_watch_refresh_alert_badge_and_alerts_screen(
    db_path: Path, feed_server: FeedServer
) -> None:
    url = feed_server.route("/a.xml", Reply(body=rss([("w1", "Weather", OTHER)], title="Alpha")))
    with Store.open(db_path) as store:
        store.add_source(url, "Alpha")
    app = make_app(db_path, clock=lambda: NOW, offer_defaults=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("slash", *"nvidia", "enter")
        await pilot.press("W")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"Nvidia watch", "enter")
        await pilot.pause()
        (info,) = view_infos(app.store)
        assert info.watched and info.query == "nvidia"
        assert "◉ Nvidia watch" in _view_row(app, "Nvidia watch")
        # a refresh that brings nothing matching: no alert
        await pilot.press("R")
        await wait_for_refresh(app, pilot)
        assert not list_alerts(app.store)
        assert not any("new alert" in n.message for n in raised(app))
        # one that brings a match: a notification and a badge
        feed_server.route(
            "/a.xml", Reply(body=rss([("w1", "Weather", OTHER), ("c1", "Nvidia curbs", CHIPS)]))
        )
        await pilot.press("R")
        await wait_for_refresh(app, pilot)
        assert any("1 new alert on watched views" in n.message for n in raised(app))
        assert "●1" in _view_row(app, "Nvidia watch")
        await pilot.press("exclamation_mark")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AlertsScreen) and len(screen.alerts) == 1
        assert "Nvidia curbs" in str(screen.query_one(OptionList).get_option_at_index(0).prompt)
        await pilot.press("m")
        await pilot.pause()
        assert screen.alerts == []  # seen ones are hidden unless `a`
        await pilot.press("a")
        await pilot.pause()
        assert [a.seen for a in screen.alerts] == [True]
        await pilot.press("enter")  # opens the alert's view
        await pilot.pause()
        assert not isinstance(app.screen, AlertsScreen)
        assert app.dashboard.searching.search.text == "nvidia"
        assert "●" not in _view_row(app, "Nvidia watch")


async def test_i_edits_the_note_shown_in_the_reader_and_list(
    db_path: Path, feed_server: FeedServer
) -> None:
    url = feed_server.route("/a.xml", Reply(body=rss([("c1", "Nvidia curbs", CHIPS)])))
    with Store.open(db_path) as store:
        store.add_source(url, "Alpha")
    app = make_app(db_path, clock=lambda: NOW, offer_defaults=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("R")
        await wait_for_refresh(app, pilot)
        await pilot.press("slash", *"curbs", "enter")
        await pilot.pause()
        items = app.query_one(ItemList)
        assert items.current_item is not None and items.current_item.title == "Nvidia curbs"
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        app.screen.query_one(TextArea).insert("Ask BIS [bold]about[/] it")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, NoteEditor)
        detail = app.store.get_item(items.current_item.id)
        assert detail is not None and detail.note == "Ask BIS [bold]about[/] it"
        await pilot.pause(0.3)
        assert "Your note: Ask BIS [bold]about[/] it" in app.query_one(Reader).plain
        assert "✎" in items._row_text(items.current_item, 120).plain
        await pilot.press("i")
        await pilot.pause()
        await pilot.press("escape")  # cancel: the note stays
        await pilot.pause()
        assert app.store.get_item(items.current_item.id).note  # type: ignore[union-attr]


async def test_trends_sparkline_per_watched_view_and_b_remembers_the_brief(
    db_path: Path, feed_server: FeedServer, tmp_path: Path
) -> None:
    url = feed_server.route("/a.xml", Reply(body=rss([("c1", "Nvidia curbs", CHIPS)])))
    with Store.open(db_path) as store:
        store.add_source(url, "Alpha")
        watch_view(store, "Chips", "theme:chips")
        watch_view(store, "Weather", "lisbon")
    early_june = datetime(2025, 6, 3, 12, tzinfo=UTC)  # rss() dates its first item 1 June
    app = make_app(db_path, clock=lambda: early_june, offer_defaults=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("R")
        await wait_for_refresh(app, pilot)
        await pilot.press("f2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TrendsScreen)
        assert [name for name, _s, _a in screen.watched] == ["Chips", "Weather"]
        chips = dict((n, s) for n, s, _a in screen.watched)["Chips"]
        assert chips[-1] == 1 and sum(chips) == 1
        assert len(screen.query(Sparkline)) == len(app.lexicon.themes) + 2
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("slash", *"theme:chips", "enter")
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        target = tmp_path / "brief.md"
        prompt_input = app.screen.query_one("Input")
        prompt_input.value = str(target)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert target.exists() and "Nvidia curbs" in target.read_text(encoding="utf-8")
        row = app.store.conn.execute("SELECT view FROM brief_runs").fetchone()
        assert row[0] == "view:Chips"
