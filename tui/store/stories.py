"""The store's stories part: story keys for exact copies and MinHash clustering of
near-duplicates (the sketches are tui.analysis.sketches').
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tui.model import (
    ItemDetail,
    ItemQuery,
    ItemRow,
)
from tui.store.columns import ITEM_ROW_SELECT, item_row_fields
from tui.store.labels import LabelsPart
from tui.store.planner import _build_where, _marks

if TYPE_CHECKING:  # the clusterer (and its sketches) loads when a refresh first needs it
    from tui.store.clusters import StoryClusterer

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
        """Put items without a story into one; returns how many joined an existing story.

        An exact copy (same `story_key`) joins its copy's story. Otherwise the item's
        MinHash bands find candidates from other sources dated within
        `sketches.WINDOW_DAYS`; the most similar one at or above `sketches.SAME_STORY`
        (Jaccard of features) gives the story, else the item starts its own. A story's
        head is its newest item. Stories never merge afterwards. Items are taken in
        (sort_at, source, id) order whatever order they are given in; the band index
        is kept per connection, a day at a time (see `tui.store.clusters`).
        """
        if not item_ids:
            return 0
        try:
            with self.write():
                return self._clusterer().assign(item_ids)
        except BaseException:
            self.__dict__.pop("_story_clusterer", None)  # it may list rolled-back items
            raise

    def assign_pending_stories(self) -> list[int]:
        """Assign the items a refresh stored with `defer_stories` (and any a crash left):
        every unassigned item from the first one deferred on, in one pass. Returns the
        ids assigned (the refresh then tests its watched views against them)."""
        with self.write():
            first = self.get_meta(PENDING_STORIES_KEY)
            if first is None:
                return []
            ids = [
                int(r[0])
                for r in self.conn.execute(
                    "SELECT id FROM items WHERE id >= ? AND cluster_id IS NULL", (int(first),)
                )
            ]
            self.assign_stories(ids)
            self.conn.execute("DELETE FROM meta WHERE key = ?", (PENDING_STORIES_KEY,))
            return ids

    def _clusterer(self) -> StoryClusterer:
        found = self.__dict__.get("_story_clusterer")
        if found is None:
            from tui.store.clusters import StoryClusterer

            found = self.__dict__["_story_clusterer"] = StoryClusterer(self.conn)
        return found

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


PENDING_STORIES_KEY = "stories_pending_from"  # meta: first item id stored unassigned
