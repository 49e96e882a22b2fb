"""The store's items part: writing a fetch's items, user state, and reading pages."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence

from tui.model import (
    Classification,
    FeedEntry,
    ItemDetail,
    ItemQuery,
    ItemRow,
    NewItem,
    SaveResult,
)
from tui.store.base import utc_now
from tui.store.bulk import insert_rows
from tui.store.columns import (
    ITEM_DETAIL_SELECT,
    ITEM_ROW_SELECT,
    item_detail_fields,
    item_row_fields,
)
from tui.store.planner import (
    _build_where,
    _count_from_cache,
    _count_from_sets,
    _marks,
    _plan,
    _where_parts,
)
from tui.store.sources import SourcesPart
from tui.store.stories import PENDING_STORIES_KEY, StoriesPart
from tui.store.story_keys import _StoryKeys, new_story_key

#: Classifies an entry that came unclassified but must be written after all.
LateClassifier = Callable[[NewItem], Classification]


class ItemsPart(StoriesPart, SourcesPart):
    """Items: saving a feed's entries, user flags, listing, paging and reading."""

    def record_refresh(
        self,
        source_id: int,
        *,
        entries: Sequence[FeedEntry] = (),
        defer_stories: bool = False,
        classify: LateClassifier | None = None,
        source_fields: dict[str, object] | None = None,
        status: int | None,
        nbytes: int,
        duration_ms: int,
        error: str | None,
        at: str | None = None,
    ) -> SaveResult | None:
        """Store one fetch of one feed in one transaction: its items, health and fetch row.

        Returns None (and writes nothing) when the source was removed meanwhile.
        `classify` is as for `save_items`.
        """
        at = at or utc_now()
        with self.write():
            exists = self.conn.execute(
                "SELECT 1 FROM sources WHERE id = ?", (source_id,)
            ).fetchone()
            if not exists:
                return None
            result = self.save_items(
                source_id, entries, fetched_at=at, defer_stories=defer_stories, classify=classify
            )
            if source_fields:
                self.update_source(source_id, **source_fields)
            self.record_fetch(
                source_id,
                status=status,
                nbytes=nbytes,
                duration_ms=duration_ms,
                new_items=len(result.new_ids),
                error=error,
                at=at,
            )
        return result

    # ----------------------------------------------------------------- items: writing

    def save_items(
        self,
        source_id: int,
        entries: Sequence[FeedEntry],
        *,
        fetched_at: str | None = None,
        defer_stories: bool = False,
        classify: LateClassifier | None = None,
    ) -> SaveResult:
        """Insert new items and refresh changed ones of one source, in one transaction.

        Keyed by (source, guid): a re-fetch is idempotent. An existing item whose
        content hash and title are unchanged is left alone. User state (read, starred,
        tags, user theme decisions) is never touched. With `defer_stories` the new
        items get their stories later, in one pass (`assign_pending_stories`): a
        refresh does that once at its end, so its stories do not depend on which feed
        was stored first.

        An entry without a classification (the parse found it stored unchanged) is
        expected unchanged; should it be new or changed after all, `classify` themes it
        here, and without `classify` that is a ValueError (the transaction rolls back).
        """
        if not entries:
            return SaveResult()
        new_ids: list[int] = []
        updated_ids: list[int] = []
        unchanged = 0
        now = fetched_at or utc_now()
        with self.write():
            existing = self._existing_items(source_id, [item.guid for item, _ in entries])
            stories = _StoryKeys(self.conn, [item for item, _ in entries])
            classified: list[tuple[int, Classification]] = []
            fresh = _only_new_or_unchanged(entries, existing)
            if fresh is not None:  # a cold or plain refresh: the new items in bulk
                new_ids = self._insert_items(source_id, [item for item, _ in fresh], now, stories)
                unchanged = len(entries) - len(fresh)
                themes = (_themes(item, c, classify) for item, c in fresh)
                classified = list(zip(new_ids, themes, strict=True))
            else:  # some stored item changes: one by one, in order
                for item, classification in entries:
                    known = existing.get(item.guid)
                    if known is None:
                        item_id = self._insert_item(source_id, item, now, stories)
                        existing[item.guid] = (item_id, item.content_hash, item.title)
                        new_ids.append(item_id)
                    elif (known[1], known[2]) != (item.content_hash, item.title):
                        item_id = known[0]
                        self._update_item(item_id, item)
                        stories.stale = True  # a stored copy changed: look up one by one
                        updated_ids.append(item_id)
                    else:
                        unchanged += 1
                        continue
                    classified.append((item_id, _themes(item, classification, classify)))
            if updated_ids:  # a fetched article keeps the themes read from it
                fetched = self._article_fetched_ids(updated_ids)
                classified = [(i, c) for i, c in classified if i not in fetched]
            if classified:  # all themes and actors in a few statements
                self.set_rule_classifications(classified)
            if not defer_stories:
                self.assign_stories(new_ids)
            elif new_ids and self.get_meta(PENDING_STORIES_KEY) is None:
                self.set_meta(PENDING_STORIES_KEY, str(min(new_ids)))
        return SaveResult(new_ids, updated_ids, unchanged)

    def _existing_items(
        self, source_id: int, guids: list[str]
    ) -> dict[str, tuple[int, str | None, str]]:
        found: dict[str, tuple[int, str | None, str]] = {}
        for start in range(0, len(guids), 500):
            chunk = guids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                f"SELECT id, guid, content_hash, title FROM items "
                f"WHERE source_id = ? AND guid IN ({marks})",
                (source_id, *chunk),
            ):
                found[row["guid"]] = (row["id"], row["content_hash"], row["title"])
        return found

    def newest_item_versions(self, source_id: int, limit: int) -> list[tuple[str, str | None, str]]:
        """(guid, content_hash, title) of the source's newest `limit` items by sort_at:
        what `save_items` compares, read through the (source_id, sort_at) index."""
        return [
            (r[0], r[1], r[2])
            for r in self.conn.execute(
                "SELECT guid, content_hash, title FROM items WHERE source_id = ? "
                "ORDER BY sort_at DESC LIMIT ?",
                (source_id, limit),
            )
        ]

    def _insert_items(
        self, source_id: int, items: Sequence[NewItem], now: str, stories: _StoryKeys
    ) -> list[int]:
        """Insert new items (guids unique, none stored) in multi-row statements, in order;
        their ids. Story keys as `_insert_item` gives them one by one."""
        rows = []
        for item in items:
            story_key = stories.find(item) or new_story_key(source_id, item.guid)
            stories.added(item, story_key)
            rows.append(_item_values(source_id, item, now, story_key))
        insert_rows(self.conn, f"INSERT INTO items({_ITEM_COLUMNS})", rows)
        ids = self._existing_items(source_id, [item.guid for item in items])
        return [ids[item.guid][0] for item in items]

    def _insert_item(
        self, source_id: int, item: NewItem, now: str, stories: _StoryKeys | None = None
    ) -> int:
        """Insert one item; it joins the story of a stored copy, else starts its own."""
        if stories is None:
            stories = _StoryKeys(self.conn, [])
            stories.stale = True
        story_key = stories.find(item) or new_story_key(source_id, item.guid)
        cur = self.conn.execute(
            f"INSERT INTO items({_ITEM_COLUMNS}) VALUES ({_marks(_ITEM_WIDTH)})",
            _item_values(source_id, item, now, story_key),
        )
        stories.added(item, story_key)
        return int(cur.lastrowid or 0)

    def _article_fetched_ids(self, item_ids: Sequence[int]) -> set[int]:
        """Those of `item_ids` that hold a fetched full article."""
        found: set[int] = set()
        for start in range(0, len(item_ids), 500):
            chunk = list(item_ids[start : start + 500])
            found.update(
                int(row[0])
                for row in self.conn.execute(
                    f"SELECT id FROM items WHERE article_fetched = 1 AND id IN "
                    f"({_marks(len(chunk))})",
                    chunk,
                )
            )
        return found

    def _update_item(self, item_id: int, item: NewItem) -> None:
        # An item holding a fetched full article keeps its content and text; the feed's
        # own body goes to `summary` (as save_full_article put it), the rest updates.
        self.conn.execute(
            "UPDATE items SET url = ?, title = ?, author = ?, "
            "published = COALESCE(?, published), "
            "summary = CASE WHEN article_fetched = 1 THEN COALESCE(?, ?, summary) ELSE ? END, "
            "content = CASE WHEN article_fetched = 1 THEN content ELSE ? END, "
            "text = CASE WHEN article_fetched = 1 THEN text ELSE ? END, "
            "content_hash = ?, lang = ?, canonical_url = ?, "
            "sort_at = COALESCE(?, ?, sort_at) WHERE id = ?",
            (
                item.url,
                item.title,
                item.author,
                item.published,
                item.summary,
                item.content,
                item.summary,
                item.content,
                item.text,
                item.content_hash,
                item.lang,
                item.canonical_url,
                item.sort_at,
                item.published,
                item_id,
            ),
        )

    def item_id_ranges(self, size: int) -> Iterator[tuple[int, int]]:
        """(first, last) item ids of consecutive runs of `size` items, in id order."""
        last = 0
        while True:
            row = self.conn.execute(
                "SELECT min(id), max(id) FROM (SELECT id FROM items WHERE id > ? "
                "ORDER BY id LIMIT ?)",
                (last, size),
            ).fetchone()
            if row is None or row[0] is None:
                return
            yield int(row[0]), int(row[1])
            last = int(row[1])

    def item_texts_between(self, first: int, last: int) -> list[tuple[int, str, str]]:
        """(id, title, text) of the items with ids in [first, last], in id order."""
        return [
            (r[0], r[1], r[2])
            for r in self.conn.execute(
                "SELECT id, title, text FROM items WHERE id BETWEEN ? AND ? ORDER BY id",
                (first, last),
            )
        ]

    def iter_item_texts(self, batch_size: int = 2000) -> Iterator[list[tuple[int, str, str]]]:
        """Every item's (id, title, text), in batches of ids, for re-theming."""
        last_id = 0
        while True:
            rows = self.conn.execute(
                "SELECT id, title, text FROM items WHERE id > ? ORDER BY id LIMIT ?",
                (last_id, batch_size),
            ).fetchall()
            if not rows:
                return
            last_id = rows[-1][0]
            yield [(r[0], r[1], r[2]) for r in rows]

    # ----------------------------------------------------------------- items: user state

    def set_read(self, item_ids: Iterable[int], read: bool = True) -> int:
        """Mark items read or unread. Returns rows changed."""
        ids = list(item_ids)
        with self.write():
            return self._update_flag("read", ids, read)

    def set_starred(self, item_ids: Iterable[int], starred: bool = True) -> int:
        """Star or unstar items. Returns rows changed."""
        ids = list(item_ids)
        with self.write():
            return self._update_flag("starred", ids, starred)

    def _update_flag(self, column: str, ids: list[int], value: bool) -> int:
        changed = 0
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            changed += self.conn.execute(
                f"UPDATE items SET {column} = ? WHERE id IN ({marks}) AND {column} != ?",
                (int(value), *chunk, int(value)),
            ).rowcount
        return changed

    def item_ids(self, query: ItemQuery | None = None) -> list[int]:
        """Every item id matching a query (no paging), newest first."""
        where, params = _build_where(query or ItemQuery())
        return [
            row[0]
            for row in self.conn.execute(
                f"SELECT i.id FROM items i WHERE {where} ORDER BY i.sort_at DESC, i.id DESC",
                params,
            )
        ]

    def filter_ids(self, query: ItemQuery) -> list[int]:
        """The items of `query.ids` that match the rest of the query (any order).

        The given ids drive and every other condition is probed per item through its
        key (full text only over the ids' range of rowids), so the cost grows with the
        number of ids, not with the store: a watchlist tests a refresh's new items.
        """
        if not query.ids:
            return []
        where = _where_parts(query, None)
        seek = frozenset(s.key for s in [*where.sets, *where.excluded] if s.seek)
        sql, params = _build_where(query, driver="ids", seek=seek)
        return [
            int(r[0]) for r in self.conn.execute(f"SELECT i.id FROM items i WHERE {sql}", params)
        ]

    def mark_read_where(self, query: ItemQuery, read: bool = True) -> list[int]:
        """Mark every matching item read (or unread); returns the ids that changed."""
        where, params = _build_where(query)
        with self.write():
            ids = [
                row[0]
                for row in self.conn.execute(
                    f"SELECT i.id FROM items i WHERE {where} AND i.read = ?",
                    (*params, 0 if read else 1),
                )
            ]
            self._update_flag("read", ids, read)
        return ids

    # ----------------------------------------------------------------- items: reading

    def count_items(self, query: ItemQuery | None = None) -> int:
        """How many items match a query."""
        query = query or ItemQuery()
        if (cached := _count_from_cache(self.conn, query)) is not None:
            return cached
        if (from_sets := _count_from_sets(self.conn, query)) is not None:
            return from_sets
        driver, seek = _plan(self.conn, query, page=False)
        where, params = _build_where(query, driver=driver, seek=seek)
        return int(
            self.conn.execute(f"SELECT COUNT(*) FROM items i WHERE {where}", params).fetchone()[0]
        )

    def list_items(self, query: ItemQuery | None = None) -> list[ItemRow]:
        """One page of items, newest first, with their tags, themes and actors."""
        query = query or ItemQuery()
        driver, seek = _plan(self.conn, query, page=True)
        where, params = _build_where(query, driver=driver, seek=seek)
        rows = self.conn.execute(
            f"SELECT {ITEM_ROW_SELECT} FROM items i JOIN sources s ON s.id = i.source_id "
            f"WHERE {where} ORDER BY i.sort_at DESC, i.id DESC LIMIT ? OFFSET ?",
            (*params, query.limit, query.offset),
        ).fetchall()
        items = [ItemRow(**item_row_fields(r)) for r in rows]
        self._attach_labels(items)
        self._attach_stories(items)
        return items

    def get_item(self, item_id: int) -> ItemDetail | None:
        """One item with everything the reading pane shows."""
        r = self.conn.execute(
            f"SELECT {ITEM_DETAIL_SELECT} FROM items i JOIN sources s ON s.id = i.source_id "
            "WHERE i.id = ?",
            (item_id,),
        ).fetchone()
        if r is None:
            return None
        item = ItemDetail(**item_detail_fields(r))
        self._attach_labels([item])
        self._attach_stories([item])
        return item

    # ----------------------------------------------------------------- full articles, learning

    def save_full_article(
        self, item_id: int, content: str, text: str, classification: Classification
    ) -> bool:
        """Store an article's extracted body on an item and re-theme it, in one transaction.

        The feed's summary is kept (a summary-only feed's text was stored as content: it
        moves to `summary`); the content hash stays the feed's, so a refresh of an
        unchanged entry leaves the full text alone, and `article_fetched` makes a changed
        one keep it too (see _update_item). Read, starred, tags and user theme decisions
        are untouched. False when the item does not exist.
        """
        with self.write():
            changed = self.conn.execute(
                "UPDATE items SET summary = CASE WHEN article_fetched = 1 THEN summary "
                "ELSE COALESCE(summary, content) END, content = ?, text = ?, "
                "article_fetched = 1 WHERE id = ?",
                (content, text, item_id),
            ).rowcount
            if changed:
                self._replace_rule_classification(item_id, classification)
        return changed > 0

    def item_texts(self, item_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
        """Item id → (title, text) for the given items (missing ids are left out)."""
        ids = list(item_ids)
        found: dict[int, tuple[str, str]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for row in self.conn.execute(
                f"SELECT id, title, text FROM items WHERE id IN ({_marks(len(chunk))})", chunk
            ):
                found[int(row[0])] = (row[1], row[2])
        return found

    def sample_item_texts(self, limit: int) -> list[tuple[int, str, str]]:
        """About `limit` items' (id, title, text), spread evenly over the store by id."""
        total, top = self.conn.execute("SELECT count(*), max(id) FROM items").fetchone()
        step = max(1, math.ceil((total or 0) / max(1, limit)))
        rows = self.conn.execute(
            "SELECT id, title, text FROM items WHERE id % ? = 0 ORDER BY id LIMIT ?",
            (step, limit),
        ).fetchall()
        return [(int(r[0]), r[1], r[2]) for r in rows] if top else []


_ITEM_COLUMNS = (
    "source_id, guid, url, title, author, published, fetched_at, summary, content, text, "
    "content_hash, lang, canonical_url, sort_at, story_key"
)
_ITEM_WIDTH = _ITEM_COLUMNS.count(",") + 1


def _item_values(source_id: int, item: NewItem, now: str, story_key: str) -> tuple[object, ...]:
    """The values of one new item's row, in _ITEM_COLUMNS order."""
    return (
        source_id,
        item.guid,
        item.url,
        item.title,
        item.author,
        item.published,
        now,
        item.summary,
        item.content,
        item.text,
        item.content_hash,
        item.lang,
        item.canonical_url,
        item.sort_at or item.published or now,
        story_key,
    )


def _themes(
    item: NewItem, classification: Classification | None, classify: LateClassifier | None
) -> Classification:
    """The classification to store for an entry being written."""
    if classification is not None:
        return classification
    if classify is None:
        raise ValueError(f"entry {item.guid!r} came unclassified but is new or changed")
    return classify(item)


def _only_new_or_unchanged(
    entries: Sequence[FeedEntry],
    existing: dict[str, tuple[int, str | None, str]],
) -> list[FeedEntry] | None:
    """The new entries when every other one is stored unchanged and no guid repeats, so
    they can go in in bulk; None when some stored item changes (updates, and the story
    lookups after them, then go one by one, in order)."""
    fresh = []
    seen: set[str] = set()
    for item, classification in entries:
        if item.guid in seen:
            return None
        seen.add(item.guid)
        known = existing.get(item.guid)
        if known is None:
            fresh.append((item, classification))
        elif (known[1], known[2]) != (item.content_hash, item.title):
            return None
    return fresh
