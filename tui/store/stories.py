"""The store's stories part: story keys for exact copies and MinHash clustering of
near-duplicates (the sketches are tui.analysis.sketches').
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date, timedelta

from tui.analysis import sketches
from tui.model import (
    ItemDetail,
    ItemQuery,
    ItemRow,
)
from tui.store.columns import ITEM_ROW_SELECT, item_row_fields
from tui.store.labels import LabelsPart
from tui.store.planner import _build_where, _marks
from tui.store.story_keys import new_story_key

# --------------------------------------------------------------------------- stories


class StoriesPart(LabelsPart):
    """Stories: near-duplicate articles across sources clustered as they arrive."""

    def story_item_ids(self, item_id: int) -> list[int]:
        """Every stored copy of the story an item belongs to (itself included), oldest first."""
        return [
            int(row[0])
            for row in self.conn.execute(
                "SELECT j.id FROM items i JOIN items j ON j.story_key = i.story_key "
                "WHERE i.id = ? ORDER BY j.id",
                (item_id,),
            )
        ]

    # ----------------------------------------------------------------- analysis
    # Stories (near-duplicate clusters, see tui/analysis/sketches.py), trends, actors, briefs.

    def assign_stories(self, item_ids: Sequence[int]) -> int:
        """Put items without a story into one, in the order given; returns how many joined.

        An exact copy (same `story_key`) joins its copy's story. Otherwise the item's
        MinHash bands find candidates from other sources dated within
        `sketches.WINDOW_DAYS`; the most similar one at or above `sketches.SAME_STORY`
        (Jaccard of features) gives the story, else the item starts its own. A story's
        head is its newest item. Stories never merge afterwards.

        Band keys are persisted per item (`story_sketches`, written in id order) and
        searched through an in-memory index (`sketches.BandIndex`) filled per day from
        `story_sketches` when an item of a nearby day arrives, so only the window's
        days are ever loaded. A persistent (band, item) B-tree would take its 24
        inserts an item at random pages: with one commit per feed that measured 1-2 ms
        an item on a 100k-item store; a temp-store table, ~100 µs.
        """

        joined = 0
        ids = list(dict.fromkeys(item_ids))
        if not ids:
            return 0
        try:
            with self.write():
                self._catch_up_bands()
                for start in range(0, len(ids), 500):
                    chunk = ids[start : start + 500]
                    found = {
                        row[0]: tuple(row)
                        for row in self.conn.execute(
                            "SELECT id, source_id, guid, title, text, sort_at, story_key "
                            f"FROM items WHERE id IN ({_marks(len(chunk))}) "
                            "AND cluster_id IS NULL",
                            chunk,
                        )
                    }
                    for row in (found[i] for i in chunk if i in found):
                        joined += self._assign_story(*row)
        except BaseException:
            self.__dict__.pop("_story_bands", None)  # it may list rolled-back items
            raise
        return joined

    def _assign_story(
        self,
        item_id: int,
        source_id: int,
        guid: str,
        title: str | None,
        text: str | None,
        sort_at: str | None,
        story_key: str | None,
    ) -> int:
        """Put one item in a story; 1 if it joined an existing one, else 0."""
        story = None
        if story_key and story_key != new_story_key(source_id, guid):  # a copy's key
            story = self._exact_copy_story(item_id, story_key)
        sketch = None if story else sketches.article_sketch(title or "", text or "")
        if story is None and sketch is not None:
            story = self._similar_story(source_id, sort_at, sketch)
        head = None if story is None else self._join_story(story, item_id, source_id, sort_at)
        joined = int(head is not None)
        if story is None or head is None:  # none found, or its items were deleted meanwhile
            story, head = self._new_story(item_id, sort_at), True
        self.conn.execute(
            "UPDATE items SET cluster_id = ?, story_head = ? WHERE id = ?",
            (story, int(head), item_id),
        )
        if sketch is not None:
            self._keep_sketch(item_id, sketch, (sketch[0], story, source_id, sort_at or ""))
        return joined

    def _band_index(self) -> sketches.BandIndex:
        """This connection's index of band keys (created empty; days load on demand)."""
        index = self.__dict__.get("_story_bands")
        if index is None or len(index.days) > MAX_BAND_DAYS:  # a long session: start afresh
            index = self.__dict__["_story_bands"] = sketches.BandIndex()
            last = self.conn.execute("SELECT max(item_id) FROM story_sketches").fetchone()[0]
            index.last_id = int(last or 0)
        return index

    def _catch_up_bands(self) -> None:
        """Index the sketches stored since the last look (by another process, say)."""

        index = self._band_index()
        if not index.days:
            return
        for item_id, bands, features, story, source_id, sort_at in self.conn.execute(
            "SELECT k.item_id, k.bands, k.features, i.cluster_id, i.source_id, i.sort_at "
            "FROM story_sketches k JOIN items i ON i.id = k.item_id "
            "WHERE k.item_id > ? ORDER BY k.item_id",
            (index.last_id,),
        ):
            if story is not None and (sort_at or "")[:10] in index.days:
                info = (features, story, source_id, sort_at or "")
                index.add(item_id, sketches.unpack_bands(bands), info)
            index.last_id = item_id

    def _load_band_days(self, wanted: list[str]) -> sketches.BandIndex:
        """The band index with the sketches of items dated on these days loaded."""
        index = self._band_index()
        for day in wanted:
            if day in index.days:
                continue
            following = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
            for item_id, bands, features, story, source_id, sort_at in self.conn.execute(
                "SELECT k.item_id, k.bands, k.features, i.cluster_id, i.source_id, i.sort_at "
                "FROM items i JOIN story_sketches k ON k.item_id = i.id "
                "WHERE i.sort_at >= ? AND i.sort_at < ? AND i.cluster_id IS NOT NULL",
                (day, following),
            ):
                info = (features, story, source_id, sort_at or "")
                index.add(item_id, sketches.unpack_bands(bands), info)
            index.days.add(day)
        return index

    def _keep_sketch(
        self, item_id: int, sketch: tuple[bytes, list[int]], info: tuple[bytes, int, int, str]
    ) -> None:

        blob, bands = sketch
        self.conn.execute(
            "INSERT OR REPLACE INTO story_sketches(item_id, features, bands) VALUES (?, ?, ?)",
            (item_id, blob, sketches.pack_bands(bands)),
        )
        index = self._band_index()
        index.add(item_id, bands, info)
        # caught up before this transaction wrote: anything newer is someone else's
        index.last_id = max(index.last_id, item_id)

    def _exact_copy_story(self, item_id: int, story_key: str | None) -> int | None:
        if not story_key:
            return None
        row = self.conn.execute(
            "SELECT cluster_id FROM items WHERE story_key = ? AND cluster_id IS NOT NULL "
            "AND id != ? LIMIT 1",
            (story_key, item_id),
        ).fetchone()
        return int(row[0]) if row else None

    def _similar_story(
        self, source_id: int, sort_at: str | None, sketch: tuple[bytes, list[int]]
    ) -> int | None:
        """The story of the most similar article from another source, if similar enough."""

        window = _story_days((sort_at or "")[:10])
        if window is None:  # undated: only exact copies join it
            return None
        low, high, days = window
        index = self._load_band_days(days)
        mine = sketches.unpack(sketch[0])
        best, best_score = None, sketches.SAME_STORY
        for candidate in index.candidates(sketch[1]):
            features, story, other_source, other_at = index.items[candidate]
            if other_source == source_id or not low <= other_at < high:
                continue
            score = sketches.jaccard(mine, sketches.unpack(features))
            if score >= best_score:
                best, best_score = story, score
        return best

    def _new_story(self, item_id: int, sort_at: str | None) -> int:
        cur = self.conn.execute(
            "INSERT INTO stories(head_id, first_at, last_at, items, sources) "
            "VALUES (?, ?, ?, 1, 1)",
            (item_id, sort_at, sort_at),
        )
        return int(cur.lastrowid or 0)

    def _join_story(
        self, story: int, item_id: int, source_id: int, sort_at: str | None
    ) -> bool | None:
        """Add an item to a story; True when it is the story's newest item (its head),
        None when the story is gone (its items were deleted meanwhile)."""
        row = self.conn.execute(
            "SELECT head_id, last_at FROM stories WHERE id = ?", (story,)
        ).fetchone()
        if row is None:
            return None
        new_source = (
            self.conn.execute(
                "SELECT 1 FROM items WHERE cluster_id = ? AND source_id = ? LIMIT 1",
                (story, source_id),
            ).fetchone()
            is None
        )
        when = sort_at or ""
        head = when >= (row[1] or "")
        if head:
            self.conn.execute("UPDATE items SET story_head = 0 WHERE id = ?", (row[0],))
        self.conn.execute(
            "UPDATE stories SET items = items + 1, sources = sources + ?, "
            "first_at = min(COALESCE(first_at, ?), ?), last_at = max(COALESCE(last_at, ?), ?), "
            "head_id = CASE WHEN ? THEN ? ELSE head_id END WHERE id = ?",
            (int(new_source), when, when, when, when, int(head), item_id, story),
        )
        return head

    def _attach_stories(self, items: Sequence[ItemRow]) -> None:
        """Fill each row's story id and its article and source counts."""
        if not items:
            return
        by_id = {item.id: item for item in items}
        for item_id, story, count, sources in self.conn.execute(
            "SELECT i.id, s.id, s.items, s.sources FROM items i JOIN stories s "
            f"ON s.id = i.cluster_id WHERE i.id IN ({_marks(len(by_id))})",
            tuple(by_id),
        ):
            row = by_id[item_id]
            row.story_id, row.story_items, row.story_sources = story, count, sources
        for item in items:  # the reading pane names the other sources of a story
            if isinstance(item, ItemDetail) and item.story_id and item.story_items > 1:
                item.story_others = [
                    (str(r[0]), r[1])
                    for r in self.conn.execute(
                        "SELECT s.title, i.url FROM items i JOIN sources s ON s.id = i.source_id "
                        "WHERE i.cluster_id = ? AND i.id != ? ORDER BY i.sort_at, i.id",
                        (item.story_id, item.id),
                    )
                ]

    def story_members(self, story_id: int) -> list[ItemRow]:
        """Every article of a story, oldest first, with labels and links."""
        rows = self.conn.execute(
            f"SELECT {ITEM_ROW_SELECT} FROM items i JOIN sources s ON s.id = i.source_id "
            "WHERE i.cluster_id = ? ORDER BY i.sort_at, i.id",
            (story_id,),
        ).fetchall()
        members = [ItemRow(**item_row_fields(r)) for r in rows]
        self._attach_labels(members)
        self._attach_stories(members)
        return members

    def story_counts(self) -> tuple[int, int]:
        """(stories, stories told by more than one source)."""
        row = self.conn.execute("SELECT count(*), sum(sources > 1) FROM stories").fetchone()
        return int(row[0] or 0), int(row[1] or 0)

    def top_stories(self, query: ItemQuery, limit: int) -> list[tuple[int, int, str]]:
        """Stories with an item matching `query`: (story id, sources, newest date),
        the most widely reported first, then the newest."""
        from dataclasses import replace

        where, params = _build_where(replace(query, stories=False))
        return [
            (int(r[0]), int(r[1]), str(r[2] or ""))
            for r in self.conn.execute(
                "SELECT i.cluster_id, s.sources, s.last_at FROM items i "
                f"JOIN stories s ON s.id = i.cluster_id WHERE {where} "
                "GROUP BY i.cluster_id ORDER BY s.sources DESC, s.last_at DESC, i.cluster_id "
                "LIMIT ?",
                (*params, limit),
            )
        ]


MAX_BAND_DAYS = 45  # days of band keys a connection keeps in memory before starting afresh


@functools.lru_cache(maxsize=512)
def _story_days(day: str) -> tuple[str, str, list[str]] | None:
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
