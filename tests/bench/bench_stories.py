"""Benchmark: what story clustering adds to ingest, and story listing on a large store.

Run: uv run python tests/bench/bench_stories.py [ITEMS]
Generates news-like items (names, numbers, common words; one in five a rewrite of an
earlier item by another source) over 30 days and 100 sources, stores them in batches of
60 (one feed's worth) with clustering on and off (best of three runs each), and prints
µs per item for each, then
the time of a first page and a count in the stories view.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tui.model import (  # noqa: E402
    Classification,
    ItemQuery,
    NewItem,
)
from tui.store import Store  # noqa: E402

rng = random.Random(5)
NAMES = [f"Name{n}" for n in range(3000)]
WORDS = [f"word{n}" for n in range(5000)]


def article(number: int, day: int, base: list[str] | None) -> NewItem:
    """One item; a rewrite keeps about half of `base`'s names and adds its own."""
    names = [n for n in base if rng.random() < 0.6] if base else []
    names += rng.sample(NAMES, 14 - len(names) // 2)
    words = rng.sample(WORDS, 60)
    body = " ".join(w if rng.random() < 0.7 else names[k % len(names)] for k, w in enumerate(words))
    title = " ".join(names[:6])
    when = f"2025-06-{1 + day % 30:02d}T{number % 24:02d}:00:00+00:00"
    return NewItem(guid=f"g{number}", title=title, text=body, published=when, sort_at=when)


def generate(count: int) -> list[list[NewItem]]:
    """`count` items in feeds of 60; 20% rewrite a recent item."""
    items: list[NewItem] = []
    for number in range(count):
        base = None
        if items and rng.random() < 0.2:
            base = rng.choice(items[-300:]).title.split()
        items.append(article(number, number * 30 // count, base))
    return [items[i : i + 60] for i in range(0, count, 60)]


def ingest(path: Path, batches: list[list[NewItem]], *, cluster: bool) -> float:
    """Seconds to store every batch as its own source's refresh."""
    with Store.open(path) as store:
        if not cluster:
            store.assign_stories = lambda ids: 0  # type: ignore[method-assign]
        sources = [store.add_source(f"https://s{n}.example/feed")[0] for n in range(100)]
        started = time.perf_counter()
        for number, batch in enumerate(batches):
            store.save_items(sources[number % 100], [(i, Classification()) for i in batch])
        return time.perf_counter() - started


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 6000
    batches = generate(count)
    with tempfile.TemporaryDirectory() as tmp:
        plain = clustered = float("inf")
        for run in range(3):  # interleaved, best of three: a shared machine is noisy
            plain = min(plain, ingest(Path(tmp) / f"plain{run}.db", batches, cluster=False))
            clustered = min(
                clustered, ingest(Path(tmp) / f"stories{run}.db", batches, cluster=True)
            )
        print(f"{count} items: save_items {plain / count * 1e6:.0f} µs/item without clustering,")
        print(
            f"  {clustered / count * 1e6:.0f} µs/item with it "
            f"(+{(clustered - plain) / count * 1e6:.0f} µs/item)"
        )
        with Store.open(Path(tmp) / "stories0.db") as store:
            total, shared = store.story_counts()
            print(f"  {total} stories, {shared} told by several sources")
            started = time.perf_counter()
            page = store.list_items(ItemQuery(stories=True, limit=100))
            listed = time.perf_counter() - started
            started = time.perf_counter()
            heads = store.count_items(ItemQuery(stories=True))
            counted = time.perf_counter() - started
            print(f"  stories view: first page {listed * 1e3:.1f} ms ({len(page)} rows), ")
            print(f"  count {counted * 1e3:.1f} ms ({heads} stories)")


if __name__ == "__main__":
    main()
