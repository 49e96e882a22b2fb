"""Generate a large aigeo store straight into SQLite (for the dashboard and store benches).

Items look like the real thing: headline-like titles and 50-150 word texts built from
an AI-geopolitics vocabulary and common English words, a short HTML `content` made from
the text (the newest items only), 300 sources (one of them the seed corpus), dates
over the three years up to the day the store is made, and themes and actors as the
classifier would give them (0-3 themes, 0-3 actors). About half the items older than
a month are read, 1% starred, 3% tagged. Only the newest 5,000 items carry an HTML
`content` besides the text (which keeps a 1M store near 1.7 GB).

Rows go in through the store's own schema (tui.store.Store.open migrates an empty
file), with the FTS triggers on, in transactions of 20,000 items. A finished database
is cached by count and GENERATOR_VERSION, so later runs reuse it.
"""

from __future__ import annotations

import random
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.bench.farm import COMMON, DOMAIN

GENERATOR_VERSION = 4  # bump when the schema changes under a cached store
THEMES = [
    "open-models", "us-china", "chips", "compute", "governance", "safety",
    "sovereignty", "markets", "information-control", "talent-research", "defense",
]  # fmt: skip
ACTORS = [
    "United States", "China", "Nvidia", "OpenAI", "DeepSeek", "European Union", "Huawei",
    "Google DeepMind", "Anthropic", "Meta", "Microsoft", "TSMC", "India", "France",
    "Mistral AI", "Alibaba", "Taiwan", "Japan", "South Korea", "United Kingdom",
]  # fmt: skip
TAGS = ["brief", "follow-up", "quote", "read-later", "chart", "weekly"]
HEADLINE = [
    "{a} tightens {b} rules as {c} pushes back",
    "Why {a} matters for {b}",
    "{a} and {b}: what the new {c} deal means",
    "Inside the race for {a}",
    "{a} weighs curbs on {b} amid {c} tensions",
    "Analysis: {a}, {b} and the future of {c}",
]
BATCH = 20_000
RICH_NEWEST = 5_000  # items with an HTML content (the newest): the rest keep a text only


def _text(rng: random.Random, words: int) -> str:
    return " ".join(
        rng.choice(DOMAIN) if rng.random() < 0.2 else rng.choice(COMMON) for _ in range(words)
    )


def generate(path: Path, count: int, *, seed: int = 11, log: object = print) -> None:
    """Fill a fresh store at `path` with `count` items (see the module docstring)."""
    from tui.store import SEED_SOURCE_TITLE, SEED_SOURCE_URL, Store

    rng = random.Random(seed)
    # Dated up to the day it is made (the dashboard's 30-day sparklines need recent items).
    now = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = now - timedelta(days=3 * 365)
    step = (now - start) / max(1, count)
    with Store.open(path) as store:
        with store.write() as conn:
            conn.execute(
                "INSERT INTO sources(url, title, kind) VALUES (?, ?, 'seed')",
                (SEED_SOURCE_URL, SEED_SOURCE_TITLE),
            )
            for n in range(1, 300):
                title = f"{rng.choice(['The', 'Daily', 'Weekly', 'Global'])} {_text(rng, 2)} {n}"
                conn.execute(
                    "INSERT INTO sources(url, title, kind, ok_at, checked_at, status) "
                    "VALUES (?, ?, 'feed', ?, ?, 200)",
                    (f"https://feeds{n}.example.org/rss", title.title(), now.isoformat(),
                     now.isoformat()),
                )  # fmt: skip
        for first in range(0, count, BATCH):
            items, themes, actors, tags = [], [], [], []
            for n in range(first, min(count, first + BATCH)):
                item_id = n + 1
                at = min(now, start + step * n + timedelta(hours=rng.uniform(-48, 48)))
                iso = at.replace(microsecond=0).isoformat()
                picks = rng.sample(DOMAIN, 3)
                title = rng.choice(HEADLINE).format(a=picks[0], b=picks[1], c=picks[2])
                text = _text(rng, rng.randint(50, 150))
                content = None  # the reader then shows the text; the newest have HTML
                if item_id > count - RICH_NEWEST:
                    content = "<p>" + text.replace(" and ", " and</p><p>", 2) + "</p>"
                old = (now - at).days > 30
                read = int(rng.random() < (0.5 if old else 0.1))
                source = rng.randrange(2, 301)
                items.append(
                    (item_id, source, f"https://feeds{source}.example.org/{item_id}",
                     f"https://news{source}.example.org/story/{item_id}", title[:1].upper()
                     + title[1:], iso, iso, content, text, f"h{item_id}", iso, read,
                     int(rng.random() < 0.01), f"s{item_id}", "en")
                )  # fmt: skip
                for theme in rng.sample(THEMES, k=rng.choice((0, 1, 1, 1, 2, 2, 3))):
                    themes.append((item_id, theme, round(rng.uniform(0.2, 1), 2)))
                for actor in set(rng.choices(ACTORS, k=rng.choice((0, 1, 1, 2, 3)))):
                    actors.append((item_id, actor))
                if rng.random() < 0.03:
                    tags.append((item_id, rng.choice(TAGS), iso))
            with store.write() as conn:
                conn.executemany(
                    "INSERT INTO items(id, source_id, guid, url, title, published, fetched_at, "
                    "content, text, content_hash, sort_at, read, starred, story_key, lang) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    items,
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
            done = min(count, first + BATCH)
            if done % 200_000 == 0 or done == count:
                log(f"    generated {done:,} items")  # type: ignore[operator]


def cached_store(cache_dir: Path, count: int, log: object = print) -> Path:
    """A generated store of `count` items, made once and kept in `cache_dir`."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"store-{count}-v{GENERATOR_VERSION}.db"
    if not path.exists():
        partial = path.with_suffix(".partial")
        for leftover in cache_dir.glob(partial.name + "*"):
            leftover.unlink()
        log(f"  generating {count:,} items into {path} (once; cached for later runs)")  # type: ignore[operator]
        generate(partial, count, log=log)
        shutil.move(partial, path)
    from tui.store import Store

    Store.open(path).close()  # bring a cached store up to the current schema, once
    return path
