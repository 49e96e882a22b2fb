"""`L` in the dashboard: the learned phrases, marked and added; the store re-themed."""

from __future__ import annotations

import os
import tomllib
from datetime import UTC, datetime
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import OptionList

from tests.support.pilot import raised
from tui.ingest import classify_items
from tui.model import ItemQuery, NewItem
from tui.store import Store
from tui.themes import load_lexicon
from tui.ui.app import AigeoApp, make_app
from tui.ui.screens.learned import LearnedScreen

NOW = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)


def teach(db_path: Path) -> tuple[list[int], list[int]]:
    """Three items the user accepted as chips, three undecided that share their phrase."""
    with Store.open(db_path) as store:
        source_id, _ = store.add_source("https://wire.example/feed", "Wire")
        leads = ["chip firms", "foundry owners", "cloud vendors"]  # three stories, not copies
        items = [
            NewItem(f"a{n}", f"AI {lead} and the zorblat regime", text="AI and the zorblat regime.")
            for n, lead in enumerate(leads)
        ]
        items += [NewItem(f"g{n}", f"AI zorblat regime widened {n}", text="AI.") for n in range(3)]
        items += [NewItem(f"b{n}", f"AI model {n}", text="AI models, firms.") for n in range(30)]
        ids = store.save_items(source_id, classify_items(load_lexicon(), items)).new_ids
        for item_id in ids[:3]:
            store.set_user_theme(item_id, "chips", True)
    return ids[:3], ids[3:6]


async def wait_for_learning(app: AigeoApp, pilot: Pilot[None], timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.05)):
        await pilot.pause(0.05)
        if not any(w.group == "learn" and not w.is_finished for w in app.workers):
            await pilot.pause()
            return
    raise AssertionError("learning did not finish")


async def open_learned(app: AigeoApp, pilot: Pilot[None]) -> OptionList:
    """Press L, wait for the Learned screen, and return its list."""
    await pilot.press("L")
    await wait_for_learning(app, pilot)
    screen = app.screen
    assert isinstance(screen, LearnedScreen)
    return screen.query_one(OptionList)


async def test_L_shows_suggestions_and_a_adds_the_marked_ones(db_path: Path) -> None:
    accepted, undecided = teach(db_path)
    app = make_app(db_path, clock=lambda: NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        listing = await open_learned(app, pilot)
        rows = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        assert any("3 accepted, 0 rejected" in r for r in rows)
        top = next(r for r in rows if "zorblat regime" in r)
        assert "in 3/3 accepted" in top and "+3 items" in top
        await pilot.press("space")
        assert "[x]" in str(listing.get_option_at_index(listing.highlighted).prompt)  # type: ignore[arg-type]
        await pilot.press("a")
        await wait_for_learning(app, pilot)
        assert not isinstance(app.screen, LearnedScreen)
        assert any("Added 1 phrase" in n.message for n in raised(app))
        assert app.lexicon.version == load_lexicon().version
    overlay = Path(os.environ["AIGEO_THEMES_LOCAL"])
    assert tomllib.loads(overlay.read_text())["themes"][0]["phrases"] == {"zorblat regime": 1.5}
    with Store.open(db_path) as store:
        chips = set(store.item_ids(ItemQuery(theme="chips")))
        assert set(undecided) <= chips and set(accepted) <= chips
        assert all(store.user_theme_decisions(i) == {"chips": True} for i in accepted)


async def test_L_without_decisions_says_how_to_make_some(db_path: Path) -> None:
    Store.open(db_path).close()
    app = make_app(db_path, clock=lambda: NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("L")
        await wait_for_learning(app, pilot)
        listing = app.screen.query_one(OptionList)
        assert "press e on an item" in str(listing.get_option_at_index(0).prompt)
        await pilot.press("escape")
        assert not isinstance(app.screen, LearnedScreen)


async def test_d_dismisses_a_suggestion_for_good(db_path: Path) -> None:
    from tui.themes.dismissed import dismissed

    teach(db_path)
    app = make_app(db_path, clock=lambda: NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        listing = await open_learned(app, pilot)
        highlighted = listing.get_option_at_index(listing.highlighted)  # type: ignore[arg-type]
        assert "zorblat regime" in str(highlighted.prompt)
        await pilot.press("d")
        assert "dismissed" in str(listing.get_option_at_index(listing.highlighted or 0).prompt)
        await pilot.press("space", "a")  # a dismissed row can be neither marked nor added
        await wait_for_learning(app, pilot)
        assert not any("Added" in n.message for n in raised(app))
        with Store.open(db_path) as store:
            assert ("chips", "zorblat regime") in dismissed(store)
        await pilot.press("escape")
        await pilot.press("L")  # asked again: it is not suggested any more
        await wait_for_learning(app, pilot)
        listing = app.screen.query_one(OptionList)
        rows = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        assert not any("zorblat regime" in r for r in rows)
    assert not Path(os.environ["AIGEO_THEMES_LOCAL"]).exists()
