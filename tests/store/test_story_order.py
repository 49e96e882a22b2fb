"""Story assignment does not depend on arrival order, batch sizes or the band cache.

A generated news fortnight (events rewritten by several outlets, days apart, plus the
hand-written fixtures of tests/newsdata.py) is stored on top of a stored history, as a
refresh stores it (`defer_stories`, then one `assign_pending_stories`), in many
different ways: feeds in other orders, items shuffled, split into other transactions,
with a cold or a warm band index of 7, 8 or 64 days. The partition into stories must be
the same every time.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from tests.support.newsdata import ARTICLES, news_item
from tui.analysis.sketches import MAX_INDEX_ITEMS
from tui.model import Classification, NewItem
from tui.store import Store
from tui.store.clusters import BATCH, StoryClusterer

OUTLETS = [f"outlet{n}" for n in range(7)]
NAMES = [
    "Nvidia", "Huawei", "TSMC", "ASML", "SMIC", "DeepSeek", "Qwen", "Mistral", "OpenAI",
    "Anthropic", "Commerce", "Brussels", "Taiwan", "Beijing", "Riyadh", "Abu Dhabi", "Seoul",
    "Tokyo", "Pentagon", "Ascend", "Blackwell", "H20", "Gaudi", "Jakarta", "Delhi", "Paris",
]  # fmt: skip
Entry = tuple[str, NewItem]  # (outlet, item)


def _events(seed: int, days: int, count: int) -> list[Entry]:
    """Rewrites of `count` events by 1-5 outlets each, dated within ±2 days of the event."""
    rng = random.Random(seed)
    out: list[Entry] = []
    for event in range(count):
        names = [*rng.sample(NAMES, 6), str(rng.randrange(10, 999)), f"{rng.random():.2f}"]
        day = rng.randrange(days)
        for outlet in rng.sample(OUTLETS, rng.randint(1, 5)):
            words = rng.sample(names, rng.randint(5, 8))
            title = f"{words[0]} and {words[1]} {rng.choice(['deal', 'curbs', 'talks', 'ban'])}"
            text = " ".join(f"{w} said on the matter of {rng.choice(names)}." for w in words)
            hours = day * 24 + rng.uniform(-48, 48)
            when = f"2025-03-{1 + int(hours // 24) % 28:02d}T{int(hours % 24):02d}:" + (
                f"{rng.randrange(60):02d}:{rng.randrange(60):02d}+00:00"
            )
            guid = f"{outlet}/{seed}/{event}"
            out.append((outlet, news_item(guid, title, text, when)))
    return out


def _fixtures() -> list[Entry]:
    return [
        (a.outlet, news_item(a.guid, a.title, a.text, a.published or "2025-03-10T00:00:00+00:00"))
        for a in ARTICLES
    ]


def _store(store: Store, entries: list[Entry], batch: int, rng: random.Random | None) -> None:
    """Store entries feed by feed (in the order given) in transactions of `batch` feeds."""
    feeds: dict[str, list[NewItem]] = {}
    for outlet, item in entries:
        feeds.setdefault(outlet, []).append(item)
    order = list(feeds)
    if rng is not None:
        rng.shuffle(order)
        for items in feeds.values():
            rng.shuffle(items)
    for start in range(0, len(order), batch):
        with store.write():
            for outlet in order[start : start + batch]:
                source_id, _ = store.add_source(f"https://{outlet}.example/feed")
                pairs = [(item, Classification()) for item in feeds[outlet]]
                store.save_items(source_id, pairs, defer_stories=True)
    store.assign_pending_stories()


def _partition(store: Store) -> frozenset[frozenset[str]]:
    groups: dict[int, set[str]] = {}
    for guid, story in store.conn.execute("SELECT guid, cluster_id FROM items"):
        assert story is not None, f"{guid} has no story"
        groups.setdefault(story, set()).add(guid)
    return frozenset(frozenset(g) for g in groups.values())


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("history") / "aigeo.db"
    with Store.open(path) as store:
        _store(store, _events(1, 20, 60), batch=100, rng=None)
    return path


REFRESH = _events(2, 24, 90) + _fixtures()


def _variant(
    history: Path,
    tmp: Path,
    seed: int | None,
    batch: int,
    days: int,
    warm: bool,
    assign_batch: int = BATCH,
    max_items: int = MAX_INDEX_ITEMS,
):
    path = tmp / f"v{seed}-{batch}-{days}-{warm}-{assign_batch}-{max_items}.db"
    shutil.copy(history, path)
    with Store.open(path) as store:
        store.__dict__["_story_clusterer"] = StoryClusterer(
            store.conn, max_days=days, batch=assign_batch, max_items=max_items
        )
        if warm:  # the index already holds other days from an earlier pass
            store.__dict__["_story_clusterer"]._load([f"2025-03-{d:02d}" for d in range(1, 29, 3)])
        _store(store, REFRESH, batch, None if seed is None else random.Random(seed))
        return _partition(store)


def test_stories_do_not_depend_on_order_batches_or_cache(history: Path, tmp_path: Path) -> None:
    reference = _variant(history, tmp_path, None, 100, 64, False)
    multi = [g for g in reference if len(g) > 1]
    assert len(multi) >= 40  # the input really has stories to find
    for seed, batch, days, warm in [
        (1, 1, 64, False),
        (2, 3, 7, False),
        (3, 100, 8, True),
        (4, 2, 7, True),
        (5, 1, 64, True),
    ]:
        assert _variant(history, tmp_path, seed, batch, days, warm) == reference, (
            seed, batch, days, warm,
        )  # fmt: skip


def test_stories_do_not_depend_on_the_pass_batch_or_the_index_budget(
    history: Path, tmp_path: Path
) -> None:
    """The pass decides and writes a batch at a time, and its index drops days past an
    item budget: neither changes a story (batches of 1, 7 and 50 cross the refresh's
    items many times; a budget of 50 items keeps only a window's days)."""
    reference = _variant(history, tmp_path, None, 100, 64, False)
    for seed, assign_batch, max_items in [(6, 7, MAX_INDEX_ITEMS), (7, 50, 50), (8, 1, 0)]:
        got = _variant(history, tmp_path, seed, 3, 64, True, assign_batch, max_items)
        assert got == reference, (seed, assign_batch, max_items)
