"""Story keys: how an exact copy of an article (same canonical URL, or same title and
text) is recognised on insert. No store imports: the schema's migrations use it too."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence

from tui.model import NewItem

# Below this much text a content hash says little (a bare title such as "Weekly update"
# repeats across unrelated feeds), so only the canonical URL can join such items.
STORY_MIN_TEXT = 80


def new_story_key(source_id: int, guid: str) -> str:
    """The story key of an article seen for the first time: opaque, unique per item.

    Known before the INSERT (an UPDATE afterwards would make the FTS triggers index
    the item's text twice).
    """
    return hashlib.sha1(f"{source_id}\n{guid}".encode(), usedforsecurity=False).hexdigest()[:20]


def _find_story_key(
    conn: sqlite3.Connection, canonical_url: str | None, content_hash: str | None, text: str
) -> str | None:
    """The story key of an already stored copy of this article, if there is one.

    The same article is recognised by its canonical URL first, then by its content hash
    (title + text) when the text is long enough to be distinctive.
    """
    if canonical_url:
        row = conn.execute(
            "SELECT story_key FROM items WHERE canonical_url = ? AND story_key IS NOT NULL "
            "ORDER BY id LIMIT 1",
            (canonical_url,),
        ).fetchone()
        if row:
            return str(row[0])
    if content_hash and len(text) >= STORY_MIN_TEXT:
        row = conn.execute(
            "SELECT story_key FROM items WHERE content_hash = ? AND story_key IS NOT NULL "
            "AND length(text) >= ? ORDER BY id LIMIT 1",
            (content_hash, STORY_MIN_TEXT),
        ).fetchone()
        if row:
            return str(row[0])
    return None


class _StoryKeys:
    """_find_story_key for a batch of new items, with two queries instead of two per item.

    The stored copies' keys are fetched up front (the oldest copy per canonical URL and
    per content hash, as _find_story_key orders them), and every item inserted in the
    batch is added after them (it has a larger id). Once an existing row is updated in
    the batch (`stale`), lookups go to the database one by one again.
    """

    def __init__(self, conn: sqlite3.Connection, items: Sequence[NewItem]) -> None:
        self.conn = conn
        self.stale = False
        self.by_url: dict[str, str] = {}
        self.by_hash: dict[str, str] = {}
        urls = list({i.canonical_url for i in items if i.canonical_url})
        hashes = list(
            {i.content_hash for i in items if i.content_hash and len(i.text) >= STORY_MIN_TEXT}
        )
        for start in range(0, len(urls), 500):
            chunk = urls[start : start + 500]
            for url, key in conn.execute(
                f"SELECT canonical_url, story_key FROM items WHERE canonical_url IN "
                f"({','.join('?' * len(chunk))}) AND story_key IS NOT NULL ORDER BY id",
                chunk,
            ):
                self.by_url.setdefault(url, str(key))
        for start in range(0, len(hashes), 500):
            chunk = hashes[start : start + 500]
            for digest, key in conn.execute(
                f"SELECT content_hash, story_key FROM items WHERE content_hash IN "
                f"({','.join('?' * len(chunk))}) AND story_key IS NOT NULL "
                "AND length(text) >= ? ORDER BY id",
                [*chunk, STORY_MIN_TEXT],
            ):
                self.by_hash.setdefault(digest, str(key))

    def find(self, item: NewItem) -> str | None:
        """The story key of a stored copy of `item`, if any."""
        if self.stale:
            return _find_story_key(self.conn, item.canonical_url, item.content_hash, item.text)
        if item.canonical_url and (key := self.by_url.get(item.canonical_url)):
            return key
        if item.content_hash and len(item.text) >= STORY_MIN_TEXT:
            return self.by_hash.get(item.content_hash)
        return None

    def added(self, item: NewItem, key: str) -> None:
        """Record an item just inserted with `key` (later copies in the batch join it)."""
        if item.canonical_url:
            self.by_url.setdefault(item.canonical_url, key)
        if item.content_hash and len(item.text) >= STORY_MIN_TEXT:
            self.by_hash.setdefault(item.content_hash, key)
