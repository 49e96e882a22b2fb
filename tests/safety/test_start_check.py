"""The dashboard's start-up check runs beside the first frame, and nothing is written
before its verdict (tui.store.check): a write waits for it, then lands on a sound file
and is refused on a damaged one, and a damaged file makes the dashboard leave with
status 1 and no traceback. Real files, the real gate, the real app through the Pilot;
the only thing held back is the moment the verdict is given.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.pilot import until
from tui import dbfile
from tui.model import Classification, NewItem
from tui.store import Store, StoreError
from tui.store.check import DatabaseCheck
from tui.ui.app import make_app
from tui.ui.widgets.items import ItemList

PAGE = 4096


def starred(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("SELECT count(*) FROM items WHERE starred").fetchone()[0])


@pytest.fixture
def filled(seeded: Path) -> Path:
    """The seed corpus and 300 items of text: a file of many pages."""
    with Store.open(seeded) as store:
        source_id, _ = store.add_source("http://127.0.0.1:9/feed", "Example")
        store.save_items(
            source_id,
            [
                (
                    NewItem(guid=str(n), title=f"item {n}", text="export controls " * 150),
                    Classification(),
                )
                for n in range(300)
            ],
        )
    return seeded


def damage_a_data_page(path: Path) -> None:
    """Random bytes over one page in the middle: opening the file does not see it."""
    data = path.read_bytes()
    start = (len(data) * 3 // 5) // PAGE * PAGE
    noise = bytes(random.Random(4).randrange(256) for _ in range(PAGE))
    path.write_bytes(data[:start] + noise + data[start + PAGE :])


@pytest.fixture
def held() -> Iterator[Callable[[Path], tuple[DatabaseCheck, threading.Event]]]:
    """A real check of the file whose verdict waits until the test sets the event."""
    events: list[threading.Event] = []

    def make(path: Path) -> tuple[DatabaseCheck, threading.Event]:
        release = threading.Event()
        events.append(release)
        check = DatabaseCheck(path)
        verdict = check._verdict

        def slow_verdict() -> str | None:
            release.wait(60)
            return verdict()

        check._verdict = slow_verdict  # type: ignore[method-assign]
        return check.start(), release

    yield make
    for release in events:
        release.set()


def test_a_write_waits_for_the_verdict_and_lands_on_a_sound_file(
    filled: Path, held: Callable[[Path], tuple[DatabaseCheck, threading.Event]]
) -> None:
    check, release = held(filled)
    with Store.open(filled) as store:
        item_id = store.list_items()[0].id
        done = threading.Event()

        def star() -> None:
            with Store.open(filled) as own:
                own.set_starred([item_id], True)
            done.set()

        writer = threading.Thread(target=star)
        writer.start()
        assert not done.wait(0.5)  # held: the write waits for the verdict
        assert starred(filled) == 0
        release.set()
        writer.join(60)
        assert done.is_set() and check.wait(60) is None
        assert starred(filled) == 1
        store.set_starred([item_id], False)  # once sound, writes go straight through


def test_a_write_before_the_verdict_on_a_damaged_file_is_refused(
    filled: Path, held: Callable[[Path], tuple[DatabaseCheck, threading.Event]]
) -> None:
    damage_a_data_page(filled)
    before = filled.read_bytes()
    check, release = held(filled)
    threading.Timer(0.3, release.set).start()
    with Store.open(filled, migrate=False) as store, pytest.raises(StoreError) as refused:
        store.set_meta("touched", "yes")
    assert "damaged" in str(refused.value) and "recover" in str(refused.value)
    assert check.problem == str(refused.value)
    assert filled.read_bytes() == before


async def test_the_dashboard_draws_before_the_verdict_and_writes_after_it(
    filled: Path, held: Callable[[Path], tuple[DatabaseCheck, threading.Event]]
) -> None:
    check, release = held(filled)
    app = make_app(filled, database_check=check)
    async with app.run_test(size=(120, 40)) as pilot:
        items = app.query_one(ItemList)
        await until(pilot, lambda: items.count > 0)  # drawn, the verdict still due
        assert not check.done()
        threading.Timer(0.3, release.set).start()
        await pilot.press("s")  # waits for the verdict, then stars
        assert check.done() and check.problem is None
        await until(pilot, lambda: starred(filled) == 1)
        await pilot.pause(0.2)
        assert app.is_running and app.return_code is None


async def test_a_damaged_file_found_after_the_first_frame_ends_the_dashboard_cleanly(
    filled: Path, held: Callable[[Path], tuple[DatabaseCheck, threading.Event]]
) -> None:
    damage_a_data_page(filled)
    before = filled.read_bytes()
    check, release = held(filled)
    app = make_app(filled, database_check=check)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.2)
        release.set()
        await until(pilot, lambda: not app.is_running)
    assert app.return_code == 1
    assert check.problem is not None and "damaged" in check.problem
    assert dbfile.poisoned(dbfile.file_key(filled)) == check.problem
    assert filled.read_bytes() == before


async def test_a_read_that_meets_the_damage_before_the_verdict_is_answered_by_it(
    filled: Path, held: Callable[[Path], tuple[DatabaseCheck, threading.Event]]
) -> None:
    damage_a_data_page(filled)
    check, release = held(filled)
    app = make_app(filled, database_check=check)

    def read_the_damaged_page() -> None:
        raise sqlite3.DatabaseError("database disk image is malformed")

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.2)
        threading.Timer(0.3, release.set).start()
        app.query_one(ItemList).call_later(read_the_damaged_page)  # as the list's query would
        for _ in range(1200):  # not the Pilot's pause: it waits on the widget that raised
            if not app.is_running:
                break
            await asyncio.sleep(0.05)
    assert app.return_code == 1
    assert app._exception is None  # no traceback: the CLI prints the check's refusal
    assert check.problem is not None and "damaged" in check.problem
