"""Search-language benchmark: list + count latency and query plans on a generated store.

    uv run python tests/bench/query_bench.py --items 100000 --db /tmp/aigeo-100k.db

The database is generated once (synthetic Zipf-distributed text, themes, actors, tags,
300 sources, three years of dates) and reused on later runs. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import random
import statistics
import string
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tui.model import ItemQuery
from tui.query import parse_query
from tui.store import Store
from tui.store import planner as store_module
from tui.store.planner import _build_where, _plan

THEMES = [
    "open-models", "us-china", "chips", "compute", "governance", "safety",
    "sovereignty", "markets", "information-control", "talent-research", "defense",
]  # fmt: skip
ACTORS = [
    "United States", "China", "Nvidia", "OpenAI", "DeepSeek", "European Union", "Huawei",
    "Google DeepMind", "Anthropic", "Meta", "Microsoft", "TSMC", "India", "France",
    "Mistral AI", "Alibaba", "Taiwan", "Japan", "South Korea", "United Kingdom", "xAI",
    "Sam Altman", "Jensen Huang", "ASML", "SMIC", "Russia", "Germany", "Hugging Face",
]  # fmt: skip
TAGS = ["brief", "follow-up", "quote", "read-later", "chart", "weekly", "to-share"]
DOMAIN = [
    ("china", 0.004), ("chips", 0.002), ("export", 0.0015), ("controls", 0.0012),
    ("nvidia", 0.001), ("semiconductor", 0.0008), ("deepseek", 0.0004),
    ("regulation", 0.0006), ("datacenter", 0.0005), ("sovereignty", 0.0002),
]  # fmt: skip
NOW = datetime(2025, 7, 9, 12, tzinfo=UTC)


def generate(path: Path, count: int, *, lean: bool = False, seed: int = 7) -> None:
    """Fill a fresh store with `count` synthetic items.

    Each item has a 60-200 word `text`; unless `lean`, also an HTML `content` of 300-1,500
    words, as full-text feeds have, so most rows spill into overflow pages (as real ones
    do, with `read`, `starred` and `sort_at` stored after the text).
    """
    rng = random.Random(seed)
    vocab = [
        "".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 10))) for _ in range(30_000)
    ]
    weights = [1 / (rank + 1) ** 1.05 for rank in range(len(vocab))]
    total = sum(weights)
    words = vocab + [w for w, _ in DOMAIN]
    weights = [w / total * (1 - sum(p for _, p in DOMAIN)) for w in weights]
    weights += [p for _, p in DOMAIN]
    cumulative: list[float] = []
    acc = 0.0
    for w in weights:
        acc += w
        cumulative.append(acc)
    start = NOW - timedelta(days=3 * 365)
    step = (NOW - start) / count
    with Store.open(path) as store:
        with store.write() as conn:
            for n in range(300):
                title = "ChinaTalk" if n == 42 else f"Source {n} {rng.choice(words[:200])}"
                conn.execute(
                    "INSERT INTO sources(url, title, kind) VALUES (?, ?, 'feed')",
                    (f"https://feeds{n}.example.org/rss", title),
                )
        batch = 20_000
        for first in range(0, count, batch):
            rows, themes, actors, tags = [], [], [], []
            for n in range(first, min(count, first + batch)):
                item_id = n + 1
                at = start + step * n + timedelta(hours=rng.uniform(-72, 72))
                iso = min(at, NOW).replace(microsecond=0).isoformat()
                title = " ".join(rng.choices(words, cum_weights=cumulative, k=8)).capitalize()
                text = " ".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(60, 200)))
                content = None
                if not lean:
                    body = rng.choices(words, cum_weights=cumulative, k=rng.randint(300, 1500))
                    content = "<p>" + " ".join(body) + "</p>"
                age = (NOW - at).days
                read = int(rng.random() < (0.95 if age > 30 else 0.4))
                rows.append(
                    (item_id, rng.randrange(1, 301), f"g{item_id}", title, text, content, iso,
                     iso, read, int(rng.random() < 0.01), f"h{item_id}")
                )  # fmt: skip
                for theme in rng.sample(THEMES, k=rng.choice((0, 0, 1, 1, 1, 2, 3))):
                    themes.append((item_id, theme, round(rng.uniform(0.2, 1), 2)))
                for actor in set(rng.choices(ACTORS, k=rng.choice((0, 1, 1, 2)))):
                    actors.append((item_id, actor))
                if rng.random() < 0.03:
                    tags.append((item_id, rng.choice(TAGS), iso))
            with store.write() as conn:
                conn.executemany(
                    "INSERT INTO items(id, source_id, guid, title, text, content, published, "
                    "sort_at, read, starred, content_hash) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
                conn.executemany(
                    "INSERT INTO item_themes(item_id, theme, score, origin) "
                    "VALUES (?, ?, ?, 'rule')",
                    themes,
                )
                conn.executemany("INSERT INTO item_actors(item_id, actor) VALUES (?, ?)", actors)
                conn.executemany(
                    "INSERT INTO tags(item_id, tag, created_at) VALUES (?, ?, ?)", tags
                )
            print(f"  {min(count, first + batch):>9,} items", flush=True)


QUERIES = [
    "",
    "china",
    "chips",
    "chips export controls",
    '"export controls"',
    "chi*",
    "c*",
    "nvidia -china",
    "-china",
    "theme:chips",
    "theme:chips is:unread",
    "theme:chips,compute -theme:markets",
    "actor:nvidia",
    'actor:"united states" actor:china',
    "tag:brief",
    "source:chinatalk",
    "source:example.org",
    "is:starred",
    "since:7d",
    "since:2025-01 before:2025-02",
    "chips since:30d",
    "chips theme:chips actor:Nvidia is:unread since:1y",
    "qqqqzzzz",
]
TYPED = "chips export controls theme:chips is:unread"


def timed(store: Store, text: str, repeat: int) -> tuple[list[float], list[float], int]:
    """Milliseconds for list_items (one page of 100) and count_items, `repeat` times."""
    lists, counts = [], []
    total = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        query = parse_query(text, now=NOW).to_item_query(ItemQuery(limit=100))
        store.list_items(query)
        t1 = time.perf_counter()
        total = store.count_items(query)
        t2 = time.perf_counter()
        lists.append((t1 - t0) * 1000)
        counts.append((t2 - t1) * 1000)
    return lists, counts, total


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def plan(store: Store, text: str) -> list[str]:
    query = parse_query(text, now=NOW).to_item_query()
    driver, seek = _plan(store.conn, query, page=True)
    where, params = _build_where(query, driver=driver, seek=seek)
    sql = (
        "SELECT i.id FROM items i JOIN sources s ON s.id = i.source_id "
        f"WHERE {where} ORDER BY i.sort_at DESC, i.id DESC LIMIT 100"
    )
    rows = store.conn.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
    return [f"{'  ' * (r[1] > 0)}{r[3]}" for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/aigeo-bench-100k.db"))
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--lean", action="store_true", help="generate items without content")
    parser.add_argument("--plans", action="store_true", help="print EXPLAIN QUERY PLAN")
    parser.add_argument(
        "--no-walk",
        action="store_true",
        help="never walk sort_at for a page: always look up the smallest set and sort",
    )
    args = parser.parse_args()
    if not args.db.exists():
        print(f"generating {args.items:,} items into {args.db} …")
        t0 = time.perf_counter()
        generate(args.db, args.items, lean=args.lean)
        print(f"generated in {time.perf_counter() - t0:.0f} s")
    if args.no_walk:
        store_module.WALK_MIN_ITEMS = 1 << 62  # never reached: always look up
    with Store.open(args.db) as store:
        stats = store.conn.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        analyzed = "analyzed" if stats.fetchone() else "no ANALYZE statistics"
        print(f"{store.count_items():,} items in {args.db} ({analyzed})")
        for text in QUERIES:  # warm the page cache, as in a running app
            timed(store, text, 1)
        print(f"{'query':<52} {'list p50':>8} {'p95':>6} {'count p50':>9} {'p95':>6} {'hits':>8}")
        for text in QUERIES:
            lists, counts, total = timed(store, text, args.repeat)
            print(
                f"{text or '(empty)':<52} {statistics.median(lists):8.1f} {p95(lists):6.1f} "
                f"{statistics.median(counts):9.1f} {p95(counts):6.1f} {total:8,}"
            )
            if args.plans:
                for line in plan(store, text):
                    print(f"    {line}")
        keystrokes = []
        for end in range(1, len(TYPED) + 1):
            lists, counts, _ = timed(store, TYPED[:end], 3)
            keystrokes += [a + b for a, b in zip(lists, counts, strict=True)]
        print(
            f"typing {TYPED!r} one key at a time (list + count): "
            f"p50 {statistics.median(keystrokes):.1f} ms, p95 {p95(keystrokes):.1f} ms, "
            f"max {max(keystrokes):.1f} ms"
        )


if __name__ == "__main__":
    main()
