"""Story assignment over the store (SQL; `StoriesPart.assign_stories` delegates here).

Decisions:
- Items are assigned in a canonical order, (sort_at, source, id), never in arrival
  order: a refresh stores its new items first and assigns them once at its end
  (`Store.assign_pending_stories`), so the stories an input yields do not depend on
  which feed answered first, on batch sizes or on what the index had cached.
- The band index (`stories.DayBandIndex`) is a per-connection cache of
  `story_sketches` kept per day of `sort_at`: a day is loaded whole when an item of a
  nearby day needs it, and evicted whole, least recently used first, past `MAX_DAYS`.
  Nothing is reloaded or dropped wholesale, so the cost per new item is the cost of its
  own window (7 days), whatever the store holds and however far apart its dates are.
- Writes are batched: cluster ids, heads, sketches and story counts go out in a few
  `executemany` statements per `BATCH` items; new stories get explicit ids from
  `sqlite_sequence` (the caller holds the write transaction). A batch is written
  before the next is decided, so a call holds one batch (texts, decisions, sketches
  not yet written), not all its items: a cold refresh's single pass over 38,682 farm
  items held every decision and sketch until its end (+106 MiB in the refresh
  process); batched, with the band index's item budget (`sketches.DayBandIndex`),
  the same pass peaks at 46 MiB RSS alone, and assigns the same stories.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from tui.analysis import sketches

MAX_DAYS = 64  # days of band keys a connection keeps (a window is 7)
BATCH = 500  # items decided, then written, at a time (and ids per IN (...) query)


def story_days(day: str) -> tuple[str, str, list[str]] | None:
    """The whole days around `day` (ISO date) within which its rewrites are looked for:
    the sort_at bounds (inclusive, exclusive) and the days; None if not a usable date."""
    try:
        when = date.fromisoformat(day)
        span = timedelta(days=sketches.WINDOW_DAYS)
        low, high = when - span, when + span + timedelta(days=1)
    except (ValueError, OverflowError):
        return None
    if when.year < 1900:  # the undated seeds' placeholder
        return None
    days = [(low + timedelta(days=n)).isoformat() for n in range(2 * sketches.WINDOW_DAYS + 1)]
    return low.isoformat(), high.isoformat(), days


def _marks(count: int) -> str:
    return ",".join("?" * count)


@dataclass
class _Story:
    """A story touched by this call: its row as it will be written back."""

    head_id: int
    first_at: str | None
    last_at: str | None
    items: int
    sources: set[int] = field(default_factory=set)
    old_head: int | None = None  # the stored head, if this call displaced it
    new: bool = False
    source_count: int = 0


class StoryClusterer:
    """Assigns stories on one connection; keeps that connection's band index."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        max_days: int = MAX_DAYS,
        *,
        batch: int = BATCH,
        max_items: int = sketches.MAX_INDEX_ITEMS,
    ) -> None:
        self.conn = conn
        self.batch = max(1, batch)
        self.index = sketches.DayBandIndex(max(max_days, sketches.KEEP_DAYS), max_items)
        last = conn.execute("SELECT max(item_id) FROM story_sketches").fetchone()[0]
        self.index.last_id = int(last or 0)
        # sketches decided in this call, not yet written: a day loaded meanwhile gets them
        self._pending: dict[str, list[tuple[int, list[int], tuple[bytes, int, int, str]]]] = {}
        self._next_story: int | None = None  # read once per call (we hold the write lock)

    # ------------------------------------------------------------------ the index

    def _catch_up(self) -> None:
        """Index the sketches stored since the last look (by another process, say)."""
        index = self.index
        if not index.days:
            last = self.conn.execute("SELECT max(item_id) FROM story_sketches").fetchone()[0]
            index.last_id = max(index.last_id, int(last or 0))
            return
        for item_id, bands, features, story, source_id, sort_at in self.conn.execute(
            "SELECT k.item_id, k.bands, k.features, i.cluster_id, i.source_id, i.sort_at "
            "FROM story_sketches k JOIN items i ON i.id = k.item_id "
            "WHERE k.item_id > ? ORDER BY k.item_id",
            (index.last_id,),
        ):
            if story is not None:
                info = (features, story, source_id, sort_at or "")
                index.add(item_id, sketches.unpack_bands(bands), info)
            index.last_id = item_id

    def _load(self, days: Sequence[str]) -> None:
        """Make sure these days are loaded (each one whole, from SQLite)."""
        index = self.index
        for day in days:
            if index.has(day):
                continue
            index.open_day(day)
            following = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
            for item_id, bands, features, story, source_id, sort_at in self.conn.execute(
                "SELECT k.item_id, k.bands, k.features, i.cluster_id, i.source_id, i.sort_at "
                "FROM items i JOIN story_sketches k ON k.item_id = i.id "
                "WHERE i.sort_at >= ? AND i.sort_at < ? AND i.cluster_id IS NOT NULL",
                (day, following),
            ):
                info = (features, story, source_id, sort_at or "")
                index.add(item_id, sketches.unpack_bands(bands), info)
            for item_id, bands_list, info in self._pending.get(day, ()):
                index.add(item_id, bands_list, info)

    # ------------------------------------------------------------------ assigning

    def assign(self, item_ids: Sequence[int]) -> int:
        """Put the given items that have no story into one; returns how many joined one.

        The items are put in canonical order first (only their ids are kept), then
        decided and written `batch` (`BATCH`) at a time: what a batch decided is in SQLite before
        the next one starts (its stories, cluster ids and sketches), so the next batch
        finds it there as it would have found it in memory, and what this call holds
        is one batch's worth whatever the number of items.
        """
        order = self._canonical(item_ids)
        if not order:
            return 0
        self._catch_up()
        joined = 0
        try:
            for start in range(0, len(order), self.batch):
                joined += self._assign_batch(order[start : start + self.batch])
        finally:
            self._pending.clear()
            self._next_story = None
        return joined

    def _canonical(self, item_ids: Sequence[int]) -> list[int]:
        """The ids of the given items without a story, in (sort_at, source, id) order."""
        keys: list[tuple[str, int, int]] = []
        ids = list(dict.fromkeys(item_ids))
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            keys += (
                (str(r[0]), int(r[1]), int(r[2]))
                for r in self.conn.execute(
                    "SELECT COALESCE(sort_at, ''), source_id, id "
                    f"FROM items WHERE id IN ({_marks(len(chunk))}) AND cluster_id IS NULL",
                    chunk,
                )
            )
        keys.sort()  # canonical, not arrival, order
        return [key[2] for key in keys]

    def _assign_batch(self, ids: list[int]) -> int:
        """Decide the stories of these items (in this order) and write them."""
        rows = self._rows(ids)
        copies = self._stored_copies([r[3] for r in rows if r[3]])
        touched: dict[int, _Story] = {}
        placed: list[tuple[int, int]] = []  # (item, story)
        kept: list[tuple[int, bytes, bytes]] = []
        joined = 0
        for item_id, source_id, sort_at, story_key, title, text in rows:
            story = copies.get(story_key) if story_key else None
            sketch = None if story else sketches.article_sketch(title or "", text or "")
            if story is None and sketch is not None:
                story = self._similar(source_id, sort_at, sketch)
            if story is not None and self._join(touched, story, item_id, source_id, sort_at):
                joined += 1
            else:
                story = self._new_story(touched, item_id, source_id, sort_at)
            placed.append((item_id, story))
            if story_key:
                copies.setdefault(story_key, story)
            if sketch is not None:
                kept.append((item_id, sketch[0], sketches.pack_bands(sketch[1])))
                info = (sketch[0], story, source_id, sort_at)
                self._pending.setdefault(sort_at[:10], []).append((item_id, sketch[1], info))
                self.index.add(item_id, sketch[1], info)  # when its day is loaded
        self._write(touched, placed, kept)
        # Written: a day loaded from now on reads these sketches from SQLite.
        self._pending.clear()
        return joined

    def _rows(self, ids: list[int]) -> list[tuple[int, int, str, str | None, str | None, str]]:
        """(id, source, sort_at, story key, title, lede) of these items, in this order:
        only the first `LEDE_CHARS` characters of a text are read (all the features use)."""
        found = {
            int(r[0]): (int(r[1]), str(r[2]), r[3], r[4], r[5] or "")
            for r in self.conn.execute(
                "SELECT id, source_id, COALESCE(sort_at, ''), story_key, title, "
                f"substr(text, 1, {sketches.LEDE_CHARS}) FROM items "
                f"WHERE id IN ({_marks(len(ids))})",
                ids,
            )
        }
        return [(item_id, *found[item_id]) for item_id in ids if item_id in found]

    def _stored_copies(self, keys: list[str]) -> dict[str, int]:
        """Story of the oldest stored, assigned item per story key (exact copies)."""
        found: dict[str, int] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            for key, story in self.conn.execute(
                "SELECT story_key, cluster_id FROM items WHERE story_key IN "
                f"({_marks(len(chunk))}) AND cluster_id IS NOT NULL ORDER BY id",
                chunk,
            ):
                found.setdefault(key, int(story))
        return found

    def _similar(self, source_id: int, sort_at: str, sketch: tuple[bytes, list[int]]) -> int | None:
        """The story of the most similar article from another source, if similar enough."""
        window = story_days(sort_at[:10])
        if window is None:  # undated: only exact copies join it
            return None
        low, high, days = window
        self._load(days)
        index = self.index
        mine = sketches.unpack(sketch[0])
        best: tuple[float, tuple[str, int, int]] | None = None
        story = None
        for candidate in index.candidates(sketch[1], days):
            features, other_story, other_source, other_at = index.items[candidate]
            if other_source == source_id or not low <= other_at < high:
                continue
            score = sketches.jaccard(mine, sketches.unpack(features))
            # the most similar; among equals the latest (sort_at, source, id): no order
            mark = (score, index.rank[candidate])
            if score >= sketches.SAME_STORY and (best is None or mark > best):
                best, story = mark, other_story
        return story

    def _story(self, touched: dict[int, _Story], story: int) -> _Story | None:
        found = touched.get(story)
        if found is None:
            row = self.conn.execute(
                "SELECT head_id, first_at, last_at, items FROM stories WHERE id = ?", (story,)
            ).fetchone()
            if row is None:
                return None
            sources = {
                int(r[0])
                for r in self.conn.execute(
                    "SELECT DISTINCT source_id FROM items WHERE cluster_id = ?", (story,)
                )
            }
            found = touched[story] = _Story(int(row[0]), row[1], row[2], int(row[3]), sources)
            found.source_count = len(sources)
        return found

    def _join(
        self, touched: dict[int, _Story], story: int, item_id: int, source_id: int, when: str
    ) -> bool:
        """Add an item to a story; False when the story is gone (its items were deleted)."""
        found = self._story(touched, story)
        if found is None:
            return False
        if when >= (found.last_at or ""):
            if not found.new and found.old_head is None:
                found.old_head = found.head_id
            found.head_id = item_id
        found.items += 1
        found.sources.add(source_id)
        found.first_at = min(found.first_at or when, when)
        found.last_at = max(found.last_at or when, when)
        return True

    def _new_story(
        self, touched: dict[int, _Story], item_id: int, source_id: int, when: str
    ) -> int:
        if self._next_story is None:
            row = self.conn.execute(
                "SELECT max(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'stories'), "
                "0), COALESCE((SELECT max(id) FROM stories), 0))"
            ).fetchone()
            self._next_story = int(row[0]) + 1
        story, self._next_story = self._next_story, self._next_story + 1
        at = when or None
        touched[story] = _Story(item_id, at, at, 1, {source_id}, new=True)
        return story

    def _write(
        self,
        touched: dict[int, _Story],
        placed: list[tuple[int, int]],
        kept: list[tuple[int, bytes, bytes]],
    ) -> None:
        """Everything this call decided, in a few statements."""
        conn = self.conn
        conn.executemany(
            "UPDATE items SET story_head = 0 WHERE id = ?",
            [(s.old_head,) for s in touched.values() if s.old_head is not None],
        )
        heads = {s.head_id for s in touched.values()}
        conn.executemany(
            "UPDATE items SET cluster_id = ?, story_head = ? WHERE id = ?",
            [(story, int(item in heads), item) for item, story in placed],
        )
        rows = [
            (s.head_id, s.first_at, s.last_at, s.items, len(s.sources), story)
            for story, s in touched.items()
        ]
        conn.executemany(  # ids above sqlite_sequence's: AUTOINCREMENT moves past them
            "INSERT INTO stories(head_id, first_at, last_at, items, sources, id) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [row for row, s in zip(rows, touched.values(), strict=True) if s.new],
        )
        conn.executemany(
            "UPDATE stories SET head_id = ?, first_at = ?, last_at = ?, items = ?, sources = ? "
            "WHERE id = ?",
            [row for row, s in zip(rows, touched.values(), strict=True) if not s.new],
        )
        conn.executemany(
            "INSERT OR REPLACE INTO story_sketches(item_id, features, bands) VALUES (?, ?, ?)",
            kept,
        )
        if kept:
            self.index.last_id = max(self.index.last_id, max(k[0] for k in kept))
