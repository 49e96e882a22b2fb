"""The SQLite store: the only module that speaks SQL.

Schema creation and migrations go through sqlite-utils; hot paths use plain SQL on
the same connection. The connection runs in autocommit mode and every write is an
explicit ``BEGIN IMMEDIATE`` transaction, so a UI and a cron refresh writing to one
file wait for each other (busy timeout) instead of failing with "database is locked".
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # sqlite-utils (~35 ms to import) is loaded when a migration runs
    import sqlite_utils

from tui.model import (
    Classification,
    ItemDetail,
    ItemRow,
    NewItem,
    Source,
    SourceSummary,
    ThemeScore,
)
from tui.story_clusters import StoryClusterer

BUSY_TIMEOUT_MS = 15_000
SEED_SOURCE_URL = "aigeo:seed-corpus"
SEED_SOURCE_TITLE = "Seed corpus"
REQUIRED_TABLES = frozenset({"sources", "items", "item_themes", "item_actors", "tags", "fetches"})


class StoreError(Exception):
    """A database that cannot be used as it is; the message says why and what to do."""


SQLITE_HEADER = b"SQLite format 3\x00"


def _check_database_file(path: Path) -> None:
    """Refuse, before SQLite touches anything, a path that cannot be aigeo's database:
    a directory, a file that is not SQLite, or a file or folder aigeo cannot write."""
    if path.is_dir():
        raise StoreError(f"{path} is a directory, not a database file")
    if path.exists():
        try:
            with path.open("rb") as file:
                header = file.read(len(SQLITE_HEADER))
        except OSError as exc:
            raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from exc
        if header and header != SQLITE_HEADER:  # (an empty file is a new database)
            raise StoreError(
                f"{path} is not a usable aigeo database: it is not an SQLite file (the "
                "wrong file, or damaged from its first bytes). Nothing was changed."
            )
        if not os.access(path, os.W_OK):
            raise StoreError(
                f"{path} is read-only: aigeo writes to its database (new items, read "
                "marks, tags). Make it writable or choose another with --db. "
                "Nothing was changed."
            )
    folder = path.parent
    if folder.exists() and not os.access(folder, os.W_OK | os.X_OK):
        raise StoreError(
            f"the folder {folder} is read-only: SQLite keeps {path.name}-wal and "
            f"{path.name}-shm next to the database. Nothing was changed."
        )


def describe_database_error(
    path: Path | None, exc: sqlite3.Error | str, *, untouched: bool = False
) -> str:
    """A sentence for the user about an SQLite error (or complaint) on `path`;
    `untouched` says nothing was written before it (the sentence then says so)."""
    message = str(exc)
    lowered = message.lower()
    unchanged = " Nothing was changed." if untouched else ""
    if "malformed" in lowered or "corrupt" in lowered:
        return (
            f"{path} is damaged ({message}).{unchanged} SQLite can often save what is "
            f"left: sqlite3 {path} .recover | sqlite3 recovered.db"
        )
    if "not a database" in lowered:
        return f"{path} is not an SQLite database ({message}).{unchanged}"
    if "readonly" in lowered or "read-only" in lowered:
        return f"{path} cannot be written ({message}); check its permissions."
    if "locked" in lowered or "busy" in lowered:
        return f"{path} is locked by another program ({message}); try again."
    return f"{path} is not a usable aigeo database: {message.rstrip('.')}.{unchanged}"


def utc_now() -> str:
    """The current time as a UTC ISO 8601 string with seconds precision."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


# --------------------------------------------------------------------------- schema


def _migrate_v1(db: sqlite_utils.Database) -> None:
    """The schema of DESIGN.md: sources, items (+FTS5), themes, actors, tags, fetches."""
    db["sources"].create(
        {
            "id": int,
            "url": str,
            "title": str,
            "site_url": str,
            "category": str,
            "kind": str,
            "etag": str,
            "last_modified": str,
            "checked_at": str,
            "ok_at": str,
            "status": int,
            "error": str,
            "error_count": int,
            "next_check_at": str,
            "disabled": int,
        },
        pk="id",
        not_null={"url", "title", "kind", "error_count", "disabled"},
        defaults={"kind": "feed", "error_count": 0, "disabled": 0},
    )
    db["sources"].create_index(["url"], unique=True)
    db["items"].create(
        {
            "id": int,
            "source_id": int,
            "guid": str,
            "url": str,
            "title": str,
            "author": str,
            "published": str,
            "fetched_at": str,
            "summary": str,
            "content": str,
            "text": str,
            "content_hash": str,
            "read": int,
            "starred": int,
        },
        pk="id",
        foreign_keys=[("source_id", "sources", "id")],
        not_null={"source_id", "guid", "title", "text", "read", "starred"},
        defaults={"read": 0, "starred": 0, "text": "", "title": ""},
    )
    db["items"].create_index(["source_id", "guid"], unique=True)
    db["items"].create_index(["published"])
    db["items"].create_index(["content_hash"])
    db["items"].enable_fts(["title", "text"], create_triggers=True, tokenize="porter")
    for table, column in (("item_themes", "theme"), ("item_actors", "actor"), ("tags", "tag")):
        columns: dict[str, type] = {"item_id": int, column: str}
        if table == "item_themes":
            columns |= {"score": float, "origin": str}
        if table == "tags":
            columns |= {"created_at": str}
        db[table].create(
            columns,
            pk=("item_id", column),
            foreign_keys=[("item_id", "items", "id")],
            not_null=set(columns),
        )
        db[table].create_index([column, "item_id"])
    db["fetches"].create(
        {
            "id": int,
            "source_id": int,
            "at": str,
            "status": int,
            "bytes": int,
            "duration_ms": int,
            "new_items": int,
            "error": str,
        },
        pk="id",
        foreign_keys=[("source_id", "sources", "id")],
        not_null={"source_id", "at"},
    )
    db["fetches"].create_index(["source_id", "at"])


def _migrate_v2(db: sqlite_utils.Database) -> None:
    """What the poller and the list need: a sort key, story keys, body hashes, meta."""
    items = db["items"]
    items.add_column("sort_at", str)
    items.add_column("lang", str)
    items.add_column("canonical_url", str)
    items.add_column("story_key", str)
    db.execute("UPDATE items SET sort_at = COALESCE(published, fetched_at, '')")
    items.create_index(["sort_at"])
    items.create_index(["source_id", "sort_at"])
    items.create_index(["story_key"])
    sources = db["sources"]
    sources.add_column("disabled_reason", str)
    sources.add_column("body_hash", str)
    sources.add_column("added_at", str)
    db["meta"].create({"key": str, "value": str}, pk="key")


def _migrate_v3(db: sqlite_utils.Database) -> None:
    """Story keys for the items stored before the poller assigned them at save time."""
    db["items"].create_index(["canonical_url"])
    rows = db.execute(
        "SELECT id, source_id, guid, canonical_url, content_hash, text FROM items "
        "WHERE story_key IS NULL ORDER BY id"
    ).fetchall()
    # Triggers re-index FTS on any UPDATE of items; this is a one-off over existing rows.
    for item_id, source_id, guid, canonical, digest, text in rows:
        key = _find_story_key(db.conn, canonical, digest, text or "") or new_story_key(
            source_id, guid
        )
        db.execute("UPDATE items SET story_key = ? WHERE id = ?", (key, item_id))


def _migrate_v4(db: sqlite_utils.Database) -> None:
    """Saved views; FTS re-indexes only when title or text change, not on read/star."""
    db.execute("DROP TRIGGER IF EXISTS items_au")
    db.execute(
        'CREATE TRIGGER "items_au" AFTER UPDATE OF title, text ON "items" BEGIN\n'
        '  INSERT INTO "items_fts" ("items_fts", rowid, "title", "text") '
        'VALUES(\'delete\', old.rowid, old."title", old."text");\n'
        '  INSERT INTO "items_fts" (rowid, "title", "text") '
        'VALUES (new.rowid, new."title", new."text");\n'
        "END"
    )
    db["views"].create(
        {"id": int, "name": str, "query": str, "created_at": str},
        pk="id",
        not_null={"name", "query"},
    )
    db["views"].create_index(["name"], unique=True)


# Counts kept by triggers (schema v6), so the panels never count a large table:
# source_counts: items and unread items per source; theme_counts: items and unread
# items per theme among themes with score > 0 (what theme filters match). Every write
# path keeps them exact through these triggers. Note: an `INSERT OR REPLACE` on items
# or item_themes would delete rows without firing delete triggers (SQLite fires them
# for REPLACE only with recursive_triggers on): use UPSERT (`ON CONFLICT DO UPDATE`).
_COUNT_TRIGGERS = (
    """CREATE TRIGGER items_counts_ai AFTER INSERT ON items BEGIN
  INSERT INTO source_counts(source_id, total, unread) VALUES (new.source_id, 1, new.read = 0)
  ON CONFLICT(source_id) DO UPDATE SET total = total + 1, unread = unread + excluded.unread;
END""",
    """CREATE TRIGGER items_counts_ad AFTER DELETE ON items BEGIN
  UPDATE source_counts SET total = total - 1, unread = unread - (old.read = 0)
  WHERE source_id = old.source_id;
END""",
    """CREATE TRIGGER items_counts_au_read AFTER UPDATE OF read ON items
WHEN old.read IS NOT new.read AND old.source_id IS new.source_id BEGIN
  UPDATE source_counts SET unread = unread + (new.read = 0) - (old.read = 0)
  WHERE source_id = new.source_id;
  UPDATE theme_counts SET unread = unread + (new.read = 0) - (old.read = 0)
  WHERE theme IN (SELECT theme FROM item_themes WHERE item_id = new.id AND score > 0);
END""",
    """CREATE TRIGGER items_counts_au_source AFTER UPDATE OF source_id ON items
WHEN old.source_id IS NOT new.source_id BEGIN
  UPDATE source_counts SET total = total - 1, unread = unread - (old.read = 0)
  WHERE source_id = old.source_id;
  INSERT INTO source_counts(source_id, total, unread) VALUES (new.source_id, 1, new.read = 0)
  ON CONFLICT(source_id) DO UPDATE SET total = total + 1, unread = unread + excluded.unread;
  UPDATE theme_counts SET unread = unread + (new.read = 0) - (old.read = 0)
  WHERE old.read IS NOT new.read
    AND theme IN (SELECT theme FROM item_themes WHERE item_id = new.id AND score > 0);
END""",
    """CREATE TRIGGER item_themes_counts_ai AFTER INSERT ON item_themes
WHEN new.score > 0 BEGIN
  INSERT INTO theme_counts(theme, total, unread)
  VALUES (new.theme, 1, coalesce((SELECT read = 0 FROM items WHERE id = new.item_id), 0))
  ON CONFLICT(theme) DO UPDATE SET total = total + 1, unread = unread + excluded.unread;
END""",
    """CREATE TRIGGER item_themes_counts_ad AFTER DELETE ON item_themes
WHEN old.score > 0 BEGIN
  UPDATE theme_counts SET total = total - 1,
    unread = unread - coalesce((SELECT read = 0 FROM items WHERE id = old.item_id), 0)
  WHERE theme = old.theme;
END""",
    """CREATE TRIGGER item_themes_counts_au AFTER UPDATE OF item_id, theme, score ON item_themes
WHEN (old.score > 0) IS NOT (new.score > 0) OR old.theme IS NOT new.theme
  OR old.item_id IS NOT new.item_id BEGIN
  UPDATE theme_counts SET total = total - 1,
    unread = unread - coalesce((SELECT read = 0 FROM items WHERE id = old.item_id), 0)
  WHERE old.score > 0 AND theme = old.theme;
  INSERT INTO theme_counts(theme, total, unread)
  SELECT new.theme, 1, coalesce((SELECT read = 0 FROM items WHERE id = new.item_id), 0)
  WHERE new.score > 0
  ON CONFLICT(theme) DO UPDATE SET total = total + 1, unread = unread + excluded.unread;
END""",
)


def _migrate_v6(db: sqlite_utils.Database) -> None:
    """Cached counts for the panels (see _COUNT_TRIGGERS), filled from the data once."""
    db.execute(
        "CREATE TABLE source_counts (source_id INTEGER PRIMARY KEY, "
        "total INTEGER NOT NULL DEFAULT 0, unread INTEGER NOT NULL DEFAULT 0)"
    )
    db.execute(
        "CREATE TABLE theme_counts (theme TEXT PRIMARY KEY, "
        "total INTEGER NOT NULL DEFAULT 0, unread INTEGER NOT NULL DEFAULT 0)"
    )
    db.execute(
        "INSERT INTO source_counts(source_id, total, unread) "
        "SELECT source_id, COUNT(*), SUM(read = 0) FROM items GROUP BY source_id"
    )
    db.execute(
        "INSERT INTO theme_counts(theme, total, unread) "
        "SELECT t.theme, COUNT(*), SUM(i.read = 0) FROM item_themes t "
        "JOIN items i ON i.id = t.item_id WHERE t.score > 0 GROUP BY t.theme"
    )
    for trigger in _COUNT_TRIGGERS:
        db.execute(trigger)


def _migrate_v5(db: sqlite_utils.Database) -> None:
    """Story clusters: near-duplicate articles across sources grouped into stories.

    `items.cluster_id` names an item's story (a `stories` row); `items.story_head` is 1
    on the story's newest item, 0 on the others (a partial index lists heads by date).
    `story_sketches` keeps each article's feature hashes and MinHash band keys, one row
    per item in id order, so ingest writes stay sequential; the band index that finds
    candidates is built from them per day, in memory (see `Store.assign_stories`). A
    trigger keeps stories right when items are deleted. Existing items are clustered
    here, oldest first.
    """
    items = db["items"]
    items.add_column("cluster_id", int)
    items.add_column("story_head", int)
    db.execute("CREATE INDEX idx_items_cluster ON items(cluster_id, source_id)")
    db.execute("CREATE INDEX idx_items_story_heads ON items(sort_at) WHERE story_head = 1")
    db.execute(
        "CREATE TABLE stories (id INTEGER PRIMARY KEY AUTOINCREMENT, head_id INTEGER NOT NULL, "
        "first_at TEXT, last_at TEXT, items INTEGER NOT NULL, sources INTEGER NOT NULL)"
    )
    db.execute(
        "CREATE TABLE story_sketches (item_id INTEGER PRIMARY KEY, features BLOB NOT NULL, "
        "bands BLOB NOT NULL)"
    )
    db.execute(
        "CREATE TRIGGER items_story_ad AFTER DELETE ON items WHEN old.cluster_id IS NOT NULL "
        "BEGIN\n"
        "  DELETE FROM story_sketches WHERE item_id = old.id;\n"
        "  UPDATE items SET story_head = 1 WHERE old.story_head = 1 AND id = (SELECT id FROM "
        "items WHERE cluster_id = old.cluster_id ORDER BY sort_at DESC, id DESC LIMIT 1);\n"
        "  UPDATE stories SET items = items - 1, head_id = COALESCE((SELECT id FROM items "
        "WHERE cluster_id = old.cluster_id AND story_head = 1), head_id), sources = (SELECT "
        "count(DISTINCT source_id) FROM items WHERE cluster_id = old.cluster_id) "
        "WHERE id = old.cluster_id;\n"
        "  DELETE FROM stories WHERE id = old.cluster_id AND items <= 0;\n"
        "END"
    )
    # by date: the window of days held in memory then slides once over the calendar
    ids = [row[0] for row in db.execute("SELECT id FROM items ORDER BY sort_at, id")]
    Store(db.conn, None).assign_stories(ids)


MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (
    _migrate_v1,
    _migrate_v2,
    _migrate_v3,
    _migrate_v4,
    _migrate_v5,
    _migrate_v6,
)
SCHEMA_VERSION = len(MIGRATIONS)


# --------------------------------------------------------------------------- stories

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


# --------------------------------------------------------------------------- queries


@dataclass(frozen=True, slots=True)
class SearchTerm:
    """One full-text term: a word or a phrase, optionally a prefix (`word*`, `"a phr"*`)."""

    text: str
    prefix: bool = False
    phrase: bool = False


@dataclass(slots=True)
class ItemQuery:
    """A filter over items; every field narrows the result.

    The first fields are the simple filters of the panels. The query language adds the
    rest: every `*_groups` entry is an any-of group (the item has one of its values) and
    every group must match; `exclude_*` drop items having any of the values; `terms` must
    all occur (FTS5), `exclude_terms` must not; `since` (inclusive) and `before`
    (exclusive) bound `sort_at` and are UTC ISO 8601 strings. Actors and tags compare
    case-insensitively (ASCII); a source value is an id (digits), or a case-insensitive
    (ASCII) substring of the source's title or URL.
    """

    theme: str | None = None
    source_id: int | None = None
    search: str | None = None
    tag: str | None = None
    actor: str | None = None
    unread: bool | None = None
    starred: bool | None = None
    limit: int = 100
    offset: int = 0
    theme_groups: tuple[tuple[str, ...], ...] = ()
    exclude_themes: tuple[str, ...] = ()
    tag_groups: tuple[tuple[str, ...], ...] = ()
    exclude_tags: tuple[str, ...] = ()
    actor_groups: tuple[tuple[str, ...], ...] = ()
    exclude_actors: tuple[str, ...] = ()
    source_groups: tuple[tuple[str, ...], ...] = ()
    exclude_sources: tuple[str, ...] = ()
    terms: tuple[SearchTerm, ...] = ()
    exclude_terms: tuple[SearchTerm, ...] = ()
    since: str | None = None
    before: str | None = None
    stories: bool = False  # one row per story (its newest item) instead of every item


@dataclass(slots=True)
class SaveResult:
    """What storing one feed's items did."""

    new_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)
    unchanged: int = 0


# C0/C1 controls (FTS5 reads its query as a C string: a NUL ends it mid-quote) and lone
# surrogates (they cannot be encoded for SQLite).
_NOT_FTS_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def fts_term(term: SearchTerm) -> str | None:
    """One term as an FTS5 string (`"text"` or `"text"*`), or None if it has no token.

    Quoting makes every FTS5 operator, column filter and bracket plain text. A term
    without a letter or digit would be an empty phrase (matching nothing), so it is
    dropped.
    """
    text = _NOT_FTS_TEXT.sub(" ", term.text)
    if not any(ch.isalnum() for ch in text):
        return None
    return '"' + text.replace('"', '""') + '"' + ("*" if term.prefix else "")


def fts_query(text: str) -> str:
    """Turn free user text into a safe FTS5 query: every word a quoted term, all required.

    A trailing `*` on a word keeps prefix search; every other FTS5 operator character is
    treated as text, so no user input can raise an FTS5 syntax error.
    """
    terms = []
    for raw in _NOT_FTS_TEXT.sub(" ", text).split():
        quoted = fts_term(SearchTerm(raw.rstrip("*"), prefix=raw.endswith("*")))
        if quoted:
            terms.append(quoted)
    return " ".join(terms)


def _fts_match(query: ItemQuery) -> tuple[str, str]:
    """The positive FTS5 expression (all terms) and the negative one (any excluded term)."""
    positive = [fts_query(query.search)] if query.search else []
    positive += [quoted for quoted in map(fts_term, query.terms) if quoted]
    negative = [quoted for quoted in map(fts_term, query.exclude_terms) if quoted]
    return " AND ".join(p for p in positive if p), " OR ".join(negative)


def _values(values: Iterable[str]) -> list[str]:
    """Non-empty values, duplicates dropped, order kept."""
    return list(dict.fromkeys(v for v in values if v))


def _marks(count: int) -> str:
    return ",".join("?" * count)


def _groups(single: str | None, groups: Sequence[Sequence[str]]) -> list[list[str]]:
    """The legacy one-value filter and the any-of groups, without empty ones."""
    out = [[single]] if single else []
    out += [vals for group in groups if (vals := _values(group))]
    return out


def _label_set(key: str, table: str, column: str, values: list[str]) -> _ItemSet:
    """The items having one of `values` in a label table (themes, tags, actors).

    Themes are ids and compare exactly (a user-rejected theme has score 0). Actors and
    tags compare case-insensitively: the distinct labels are walked with a recursive
    CTE that seeks the (label, item_id) index once per distinct label, so the NOCASE
    test touches a few hundred labels rather than every row, and the index is then
    searched by the labels that match. `seek` tests one item through the table's
    (item_id, label) key instead.
    """
    marks = _marks(len(values))
    if table == "item_themes":
        return _ItemSet(
            key,
            f"SELECT item_id FROM item_themes WHERE theme IN ({marks}) AND score > 0",
            list(values),
            unique=len(values) == 1,
            estimate=f"SELECT item_id FROM item_themes WHERE theme IN ({marks})",
            seek=(
                f"SELECT 1 FROM item_themes WHERE item_id = {{ref}} AND theme IN ({marks}) "
                "AND score > 0"
            ),
        )
    distinct = (
        f"WITH RECURSIVE d(v) AS (SELECT (SELECT min({column}) FROM {table}) UNION ALL "
        f"SELECT (SELECT min({column}) FROM {table} WHERE {column} > d.v) FROM d "
        "WHERE d.v IS NOT NULL) "
        f"SELECT v FROM d WHERE v COLLATE NOCASE IN ({marks})"
    )
    return _ItemSet(
        key,
        f"SELECT item_id FROM {table} WHERE {column} IN ({distinct})",
        list(values),
        unique=len(values) == 1,  # one row per (item, label): one value lists an item once
        seek=(
            f"SELECT 1 FROM {table} WHERE item_id = {{ref}} "
            f"AND {column} COLLATE NOCASE IN ({marks})"
        ),
    )


def _source_ids(values: list[str]) -> tuple[str, list[object]]:
    """`SELECT id` of the sources matching any value: an id, or a title/URL substring."""
    conditions: list[str] = []
    params: list[object] = []
    for value in values:
        if value.isascii() and value.isdigit():
            conditions.append("id = ?")
            params.append(int(value))
        else:
            conditions.append(
                "instr(lower(title), lower(?)) > 0 OR instr(lower(url), lower(?)) > 0"
            )
            params += [value, value]
    return f"SELECT id FROM sources WHERE {' OR '.join(conditions)}", params


def _build_where(
    query: ItemQuery, *, driver: str | None = None, seek: frozenset[str] = frozenset()
) -> tuple[str, list[object]]:
    """SQL conditions and parameters for an ItemQuery (items aliased as i).

    Every value is a bound parameter; the only text put into SQL is fixed table and
    column names. Label filters and full text are item sets: `i.id [NOT] IN (SELECT
    item_id FROM <label table> …)` over the (label, item_id) indexes, and `i.id IN
    (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)`. How they are combined is
    the plan (see `_plan`): with `driver` None SQLite chooses; with a set's key ("fts",
    "item_themes:0" …) that set is intersected with the others first and only the
    surviving items are looked up; with "walk" SQLite walks the `sort_at` index newest
    first and probes every set. Sets named in `seek` (and every label set when
    walking) are probed per item through their (item_id, label) key instead of being
    listed whole.
    """
    where = _where_parts(query, driver, seek)
    return (" AND ".join(where.clauses) if where.clauses else "1"), where.params


@dataclass(frozen=True, slots=True)
class _ItemSet:
    """A subquery selecting item ids (a label group, or the full-text hits)."""

    key: str
    sql: str
    params: list[object]
    unique: bool  # no item listed twice
    estimate: str | None = None  # a cheaper, index-only query of about the same size
    seek: str | None = None  # `SELECT 1 …` for one item, `{ref}`; None: list only

    def probe(self, ref: str, *, negate: bool = False, seek: bool = False) -> str:
        """A condition testing whether the item `ref` is (not) in this set."""
        if seek and self.seek:
            return ("NOT " if negate else "") + f"EXISTS ({self.seek.replace('{ref}', ref)})"
        return f"+{ref} {'NOT IN' if negate else 'IN'} ({self.sql})"


@dataclass(slots=True)
class _Where:
    clauses: list[str] = field(default_factory=list)
    params: list[object] = field(default_factory=list)
    sets: list[_ItemSet] = field(default_factory=list)  # the item must be in each
    excluded: list[_ItemSet] = field(default_factory=list)  # … and in none of these
    row_level: bool = False  # some condition reads the items row (source, flags, dates)
    indexed: list[tuple[str, list[object]]] = field(default_factory=list)

    def row(self, clause: str, *args: object, indexed: bool = False) -> None:
        """A condition on the items row; `indexed` if an items index can drive it."""
        self.clauses.append(clause)
        self.params.extend(args)
        self.row_level = True
        if indexed:
            self.indexed.append((clause.lstrip("+"), list(args)))

    def rows_set(self) -> _ItemSet | None:
        """The items the indexed row conditions (source, since, before) select."""
        if not self.indexed:
            return None
        sql = " AND ".join(clause for clause, _ in self.indexed)
        params = [p for _, args in self.indexed for p in args]
        return _ItemSet("rows", f"SELECT i.id FROM items i WHERE {sql}", params, unique=True)


def _where_parts(
    query: ItemQuery, driver: str | None, seek: frozenset[str] = frozenset()
) -> _Where:
    """The conditions of _build_where, with the item sets they use."""
    where = _Where()
    # when a set drives, an index on source or sort_at must not: `+` hides it
    hide = "+" if driver not in (None, "walk") else ""
    if query.source_id is not None:
        where.row(f"{hide}i.source_id = ?", query.source_id, indexed=True)
    for values in _groups(None, query.source_groups):
        sql, args = _source_ids(values)
        where.row(f"{hide}i.source_id IN ({sql})", *args, indexed=True)
    if excluded := _values(query.exclude_sources):
        sql, args = _source_ids(excluded)
        where.row(f"i.source_id NOT IN ({sql})", *args)
    # literal 0/1 rather than bound: a partial index (WHERE read = 0) can then serve it
    if query.unread is not None:
        where.row("i.read = 0" if query.unread else "i.read = 1")
    if query.starred is not None:
        where.row("i.starred = 1" if query.starred else "i.starred = 0")
    if query.since:
        where.row(f"{hide}i.sort_at >= ?", query.since, indexed=True)
    if query.before:
        where.row(f"{hide}i.sort_at < ?", query.before, indexed=True)
    if query.stories:  # literal: the partial index of story heads can serve it
        where.row("i.story_head = 1")
    for table, column, single, groups, exclude in (
        ("item_themes", "theme", query.theme, query.theme_groups, query.exclude_themes),
        ("tags", "tag", query.tag, query.tag_groups, query.exclude_tags),
        ("item_actors", "actor", query.actor, query.actor_groups, query.exclude_actors),
    ):
        for number, values in enumerate(_groups(single, groups)):
            where.sets.append(_label_set(f"{table}:{number}", table, column, values))
        if excluded := _values(exclude):
            where.excluded.append(_label_set(table, table, column, excluded))
    positive, negative = _fts_match(query)
    fts = "SELECT rowid FROM items_fts WHERE items_fts MATCH ?"
    if positive:
        match = f"({positive}) NOT ({negative})" if negative else positive
        where.sets.append(_ItemSet("fts", fts, [match], unique=True))
    elif negative:
        where.excluded.append(_ItemSet("fts", fts, [negative], unique=True))

    driving = next((s for s in where.sets if s.key == driver), None)
    if driving is not None:  # its items, kept if in the other sets: only those looked up
        others = [s for s in where.sets if s is not driving]
        sql, args = _intersection(driving, others, where.excluded, seek)
        where.clauses.append(f"i.id IN ({sql})")
        where.params += args
        return where
    walk = driver == "walk"
    for item_set in where.sets:
        if driver is None:
            where.clauses.append(f"i.id IN ({item_set.sql})")
        else:
            where.clauses.append(item_set.probe("i.id", seek=walk or item_set.key in seek))
        where.params += item_set.params
    for item_set in where.excluded:
        where.clauses.append(item_set.probe("i.id", negate=True, seek=walk))
        where.params += item_set.params
    return where


def _intersection(
    driver: _ItemSet, others: list[_ItemSet], excluded: list[_ItemSet], seek: frozenset[str]
) -> tuple[str, list[object]]:
    """A query for the ids of `driver` that are in every one of `others` and none of
    `excluded`: the driver is walked, the others probed (by seek if named in `seek`)."""
    if not (others or excluded):
        return driver.sql, list(driver.params)
    # `+d.id IN (list)`: a bare `id IN …` lets SQLite push the ids into FTS5 as rowid
    # constraints, re-running the MATCH once per id (0.7 s instead of 5 ms on 100k)
    tests = [s.probe("d.id", seek=s.key in seek) for s in others]
    tests += [s.probe("d.id", negate=True, seek=s.key in seek) for s in excluded]
    params = list(driver.params)
    params += [p for s in [*others, *excluded] for p in s.params]
    sql = f"WITH d(id) AS ({driver.sql}) SELECT id FROM d WHERE {' AND '.join(tests)}"
    return sql, params


# A page (ORDER BY sort_at LIMIT) can be found two ways: walk the smallest item set,
# keep the ids that are in the other sets, look those R items up and sort them (cost
# ∝ R: ~1 µs a row on lean rows, ~12 µs on rows spilling into overflow pages, as
# sort_at is stored after the text); or walk the sort_at index newest first, probing
# every set, until the page is full (cost ∝ 100·N/R index entries at ~1 µs each, N
# items). Walking wins when R² ≥ WALK_FACTOR·N. R is estimated from the k sets as if
# independent and no larger than the smallest, S: R = N·(S/N)^k, so walk when
# S ≥ (sqrt(WALK_FACTOR)·N^(k-1/2))^(1/k), sqrt(10·N) for one set. A read or starred
# filter makes each walked entry a row lookup too: WALK_ROW_FACTOR then (the flag
# assumed to keep one row in ten). Measured with tests/bench/query_bench.py.
WALK_FACTOR = 10
WALK_ROW_FACTOR = 1_000
WALK_MIN_ITEMS = 500
# Counting a set for the plan stops here: enough to rank the sets, bounded in cost.
SIZE_CAP = 50_000
# Listing a set costs ~0.1-0.4 µs an item, probing one item by its key ~1-2 µs: a
# label set this many times larger than the driver is probed by key instead.
SEEK_RATIO = 8


def _count_upto(conn: sqlite3.Connection, item_set: _ItemSet, cap: int) -> int:
    sql = item_set.estimate or item_set.sql
    row = conn.execute(f"SELECT count(*) FROM ({sql} LIMIT ?)", [*item_set.params, cap])
    return int(row.fetchone()[0])


def _smallest_set(conn: sqlite3.Connection, sets: list[_ItemSet], cap: int) -> tuple[_ItemSet, int]:
    """The set with the fewest rows and that number, counted from the indexes.

    Each set is counted only up to the smallest size seen so far (at most `cap`), so
    a large set costs no more than the small one it loses to.
    """
    best, best_size = sets[0], cap
    for number, item_set in enumerate(sets):
        size = _count_upto(conn, item_set, best_size)
        if number == 0 or size < best_size:
            best, best_size = item_set, size
    return best, best_size


def _plan(
    conn: sqlite3.Connection, query: ItemQuery, *, page: bool
) -> tuple[str | None, frozenset[str]]:
    """The `driver` and `seek` arguments of _build_where for this query.

    The smallest item set drives, unless the items a source or date condition selects
    through their index are fewer, or (for a page) every set is large enough that
    walking sort_at is cheaper: then "walk". No driver when there is no set: SQLite's
    own plan is right then. Label sets much larger than the driver are probed by key.
    """
    where = _where_parts(query, None)
    if not where.sets:
        return None, frozenset()
    rows = where.rows_set()
    candidates = [*where.sets, rows] if rows else where.sets
    if page:
        items = conn.execute("SELECT max(id) FROM items").fetchone()[0] or 0
        flags = query.unread is not None or query.starred is not None
        factor = WALK_ROW_FACTOR if flags else WALK_FACTOR
        k = len(where.sets)
        walk_at = (math.sqrt(factor) * float(items) ** (k - 0.5)) ** (1 / k)
        threshold = max(WALK_MIN_ITEMS, math.ceil(walk_at))
    else:
        threshold = SIZE_CAP
    smallest, size = _smallest_set(conn, candidates, threshold)
    if smallest is rows or (page and size >= threshold):
        return "walk", frozenset()
    return smallest.key, _seek_keys(conn, where, smallest, size)


def _seek_keys(
    conn: sqlite3.Connection, where: _Where, driver: _ItemSet, size: int
) -> frozenset[str]:
    """The label sets to probe by key when `driver` (of `size` items) drives."""
    big = SEEK_RATIO * max(size, 1)
    return frozenset(
        s.key
        for s in [*where.sets, *where.excluded]
        if s is not driver and s.seek and _count_upto(conn, s, big) >= big
    )


def _count_from_sets(conn: sqlite3.Connection, query: ItemQuery) -> int | None:
    """The count of a query made only of item sets, from their indexes; else None.

    Counting through `items` looks up every candidate's row (the rows are large);
    when no condition needs the row, the smallest set is walked and the others probed
    (every set's ids are items: foreign keys and the FTS triggers keep them so).
    """
    where = _where_parts(query, None)
    if where.row_level or not (where.sets or where.excluded):
        return None
    if not where.sets:  # only exclusions: all items but those in any excluded set
        union = " UNION ".join(s.sql for s in where.excluded)
        params = [p for s in where.excluded for p in s.params]
        total = conn.execute("SELECT count(*) FROM items").fetchone()[0]
        excluded = conn.execute(
            f"WITH x(id) AS ({union}) SELECT count(DISTINCT id) FROM x", params
        ).fetchone()[0]
        return int(total) - int(excluded)
    driver, size = _smallest_set(conn, where.sets, SIZE_CAP)
    others = [s for s in where.sets if s is not driver]
    seek = _seek_keys(conn, where, driver, size)
    sql, params = _intersection(driver, others, where.excluded, seek)
    counted = "count(*)" if driver.unique else "count(DISTINCT id)"
    return int(conn.execute(f"WITH c(id) AS ({sql}) SELECT {counted} FROM c", params).fetchone()[0])


_CACHE_FREE = ("source_id", "theme", "unread", "limit", "offset")


def _count_from_cache(conn: sqlite3.Connection, query: ItemQuery) -> int | None:
    """The count of a query the cached counts answer (all items, one source or one theme,
    optionally unread only / read only); None for any other query."""
    if query.source_id is not None and query.theme:
        return None
    plain = ItemQuery(**{name: getattr(query, name) for name in _CACHE_FREE})
    if query != plain:
        return None
    if query.theme:
        sql, key = "SELECT sum(total), sum(unread) FROM theme_counts WHERE theme = ?", query.theme
    elif query.source_id is not None:
        sql, key = "SELECT total, unread FROM source_counts WHERE source_id = ?", query.source_id
    else:
        sql, key = "SELECT sum(total), sum(unread) FROM source_counts WHERE ?", 1
    row = conn.execute(sql, (key,)).fetchone()
    total, unread = (int(row[0] or 0), int(row[1] or 0)) if row else (0, 0)
    if query.unread is None:
        return total
    return unread if query.unread else total - unread


def _row_fields(row: sqlite3.Row) -> dict[str, object]:
    """The ItemRow fields of a listing or detail row."""
    return {
        "id": row["id"],
        "source_id": row["source_id"],
        "source": row["source"],
        "title": row["title"],
        "url": row["url"],
        "published": row["published"],
        "read": bool(row["read"]),
        "starred": bool(row["starred"]),
    }


def _source_from_row(row: sqlite3.Row) -> Source:
    keys = row.keys()
    return Source(
        id=row["id"],
        url=row["url"],
        title=row["title"],
        kind=row["kind"],
        site_url=row["site_url"],
        category=row["category"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        checked_at=row["checked_at"],
        ok_at=row["ok_at"],
        status=row["status"],
        error=row["error"],
        error_count=row["error_count"],
        next_check_at=row["next_check_at"],
        disabled=bool(row["disabled"]),
        disabled_reason=row["disabled_reason"] if "disabled_reason" in keys else None,
        body_hash=row["body_hash"] if "body_hash" in keys else None,
    )


# --------------------------------------------------------------------------- the store


class Store:
    """One open aigeo database. Not shared between threads: open one per thread."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        self.conn = conn
        self.path = path
        self._db: sqlite_utils.Database | None = None

    @property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils over the same connection (schema work; loaded on first use)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    # ----------------------------------------------------------------- opening

    @classmethod
    def open(cls, path: str | Path, *, migrate: bool = True) -> Store:
        """Open (creating if needed) the database at `path` and bring its schema up to date.

        A file that is not a database, is read-only, is damaged, is another program's
        database or comes from a newer aigeo raises StoreError saying so, and is left
        exactly as it was: every check runs before anything is written (the switch to
        WAL mode included).
        """
        path = Path(path)
        _check_database_file(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            folder = path.parent
            raise StoreError(f"cannot create the folder {folder}: {exc.strerror or exc}") from exc
        try:
            conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {path}: {exc}") from exc
        store = cls(conn, path)
        try:
            store._configure_connection()
            store._check_schema()  # reads only: a refused file stays untouched
            store._configure_journal()
            store._check_and_migrate(migrate)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(describe_database_error(path, exc, untouched=True)) from exc
        except StoreError:
            conn.close()
            raise
        return store

    @classmethod
    def memory(cls) -> Store:
        """An in-memory store with the full schema (for `classify`-like dry runs and tests)."""
        conn = sqlite3.connect(":memory:", isolation_level=None)
        store = cls(conn, None)
        store._configure()
        store._check_and_migrate(True)
        return store

    def _configure(self) -> None:
        self._configure_connection()
        self._configure_journal()

    def _configure_connection(self) -> None:
        """Settings of this connection only (nothing is written to the file)."""
        self.conn.row_factory = sqlite3.Row
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.conn.execute("PRAGMA foreign_keys = ON")

    def _configure_journal(self) -> None:
        """WAL mode (recorded in the file) and the sync level."""
        if self.path is not None:
            mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise StoreError(f"{self.path}: cannot switch to WAL journal mode ({mode})")
        self.conn.execute("PRAGMA synchronous = NORMAL")

    @property
    def schema_version(self) -> int:
        """The schema version recorded in PRAGMA user_version."""
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _check_schema(self) -> None:
        """Refuse a database from a newer aigeo, another program's, or one missing tables."""
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} has schema version {version}, newer than this aigeo "
                f"understands ({SCHEMA_VERSION}); upgrade aigeo. Nothing was changed."
            )
        tables = {
            row[0]
            for row in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if version == 0 and tables:
            raise StoreError(
                f"{self.path} is an SQLite database but not an aigeo one "
                f"(it has tables {', '.join(sorted(tables)[:5])}). Nothing was changed."
            )
        if version > 0 and not tables >= REQUIRED_TABLES:
            missing = ", ".join(sorted(REQUIRED_TABLES - tables))
            raise StoreError(f"{self.path} is missing aigeo tables ({missing}).")

    def _check_and_migrate(self, migrate: bool, target: int = SCHEMA_VERSION) -> None:
        self._check_schema()
        version = self.schema_version
        if not migrate or version >= target:
            return
        for number in range(version + 1, target + 1):
            with self.write():
                MIGRATIONS[number - 1](self.db)
                self.conn.execute(f"PRAGMA user_version = {number}")

    def quick_check(self) -> str | None:
        """None when SQLite's quick_check finds the file sound, else its first complaint.

        Reads every page (about 0.1-0.5 s for 50-200 MB), so the dashboard runs it once
        before it starts rather than failing later on a damaged page.
        """
        try:
            rows = self.conn.execute("PRAGMA quick_check(1)").fetchall()
        except sqlite3.DatabaseError as exc:
            return str(exc)
        first = str(rows[0][0]) if rows else "no answer"
        return None if first == "ok" else first

    def close(self) -> None:
        """Close the connection (checkpointing WAL if this is the last one)."""
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction taken at once (BEGIN IMMEDIATE), committed or rolled back."""
        if self.conn.in_transaction:
            yield self.conn
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # ----------------------------------------------------------------- meta

    def get_meta(self, key: str) -> str | None:
        """A value from the meta table, or None."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Set a value in the meta table."""
        with self.write():
            self.conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # ----------------------------------------------------------------- sources

    def add_source(
        self,
        url: str,
        title: str | None = None,
        *,
        kind: str = "feed",
        site_url: str | None = None,
        category: str | None = None,
    ) -> tuple[int, bool]:
        """Add a source (or find it by URL). Returns (id, created)."""
        row = self.conn.execute("SELECT id FROM sources WHERE url = ?", (url,)).fetchone()
        if row:
            return int(row[0]), False
        with self.write():
            cur = self.conn.execute(
                "INSERT INTO sources(url, title, kind, site_url, category, added_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (url, title or url, kind, site_url, category, utc_now()),
            )
        return int(cur.lastrowid or 0), True

    def seed_source_id(self) -> int:
        """The id of the "Seed corpus" source, created on first use."""
        source_id, _ = self.add_source(SEED_SOURCE_URL, SEED_SOURCE_TITLE, kind="seed")
        return source_id

    def get_source(self, source_id: int) -> Source | None:
        """One source by id."""
        row = self.conn.execute("SELECT * FROM sources WHERE id = ?", (source_id,)).fetchone()
        return _source_from_row(row) if row else None

    def find_source(self, key: str) -> Source | None:
        """A source by id (digits), exact URL or case-insensitive title."""
        if key.isdigit():
            return self.get_source(int(key))
        row = self.conn.execute(
            "SELECT * FROM sources WHERE url = ? OR lower(title) = lower(?) ORDER BY id LIMIT 1",
            (key, key),
        ).fetchone()
        return _source_from_row(row) if row else None

    def sources(self) -> list[Source]:
        """All sources, seed corpus first, then by title."""
        rows = self.conn.execute(
            "SELECT * FROM sources ORDER BY kind = 'seed' DESC, lower(title), id"
        ).fetchall()
        return [_source_from_row(r) for r in rows]

    def source_summaries(self) -> list[SourceSummary]:
        """All sources with item and unread counts."""
        counts = {
            row[0]: (row[1], row[2])
            for row in self.conn.execute("SELECT source_id, total, unread FROM source_counts")
        }
        return [
            SourceSummary(
                source=s, total=counts.get(s.id, (0, 0))[0], unread=counts.get(s.id, (0, 0))[1] or 0
            )
            for s in self.sources()
        ]

    def remove_source(self, source_id: int) -> int:
        """Delete a source with its items and their user state. Returns items removed."""
        with self.write():
            ids = "SELECT id FROM items WHERE source_id = ?"
            for table in ("item_themes", "item_actors", "tags"):
                self.conn.execute(f"DELETE FROM {table} WHERE item_id IN ({ids})", (source_id,))
            removed = self.conn.execute(
                "DELETE FROM items WHERE source_id = ?", (source_id,)
            ).rowcount
            self.conn.execute("DELETE FROM fetches WHERE source_id = ?", (source_id,))
            self.conn.execute("DELETE FROM sources WHERE id = ?", (source_id,))
        return removed

    def update_source(self, source_id: int, **fields: object) -> None:
        """Set health/conditional-GET fields on a source (only known columns)."""
        allowed = {row[1] for row in self.conn.execute("PRAGMA table_info(sources)")} - {"id"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"unknown source fields: {', '.join(sorted(unknown))}")
        if not fields:
            return
        assignments = ", ".join(f"{name} = ?" for name in fields)
        with self.write():
            self.conn.execute(
                f"UPDATE sources SET {assignments} WHERE id = ?", (*fields.values(), source_id)
            )

    def record_fetch(
        self,
        source_id: int,
        *,
        status: int | None,
        nbytes: int,
        duration_ms: int,
        new_items: int,
        error: str | None,
        at: str | None = None,
    ) -> None:
        """Log one fetch attempt."""
        with self.write():
            self.conn.execute(
                "INSERT INTO fetches(source_id, at, status, bytes, duration_ms, new_items, error) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (source_id, at or utc_now(), status, nbytes, duration_ms, new_items, error),
            )

    def fetches(self, source_id: int, limit: int = 20) -> list[dict[str, object]]:
        """The latest fetch attempts of a source, newest first."""
        rows = self.conn.execute(
            "SELECT * FROM fetches WHERE source_id = ? ORDER BY id DESC LIMIT ?",
            (source_id, limit),
        ).fetchall()
        return [dict(r) for r in rows]

    # ----------------------------------------------------------------- poller

    def feed_sources(
        self, ids: Sequence[int] | None = None, *, include_disabled: bool = False
    ) -> list[Source]:
        """Feed sources (never the seed corpus): all enabled ones, or those with `ids`."""
        sql = "SELECT * FROM sources WHERE kind = 'feed'"
        params: list[object] = []
        if ids is not None:
            if not ids:
                return []
            sql += f" AND id IN ({','.join('?' * len(ids))})"
            params.extend(ids)
        if not include_disabled:
            sql += " AND disabled = 0"
        rows = self.conn.execute(sql + " ORDER BY id", params).fetchall()
        return [_source_from_row(r) for r in rows]

    def due_sources(self, now: str) -> list[Source]:
        """Enabled feed sources whose next check time has come (or was never set)."""
        rows = self.conn.execute(
            "SELECT * FROM sources WHERE kind = 'feed' AND disabled = 0 "
            "AND (next_check_at IS NULL OR next_check_at <= ?) ORDER BY next_check_at, id",
            (now,),
        ).fetchall()
        return [_source_from_row(r) for r in rows]

    def next_check_at(self) -> str | None:
        """The earliest next check time among enabled feed sources (None: one is due now)."""
        row = self.conn.execute(
            "SELECT COUNT(*), SUM(next_check_at IS NULL), MIN(next_check_at) FROM sources "
            "WHERE kind = 'feed' AND disabled = 0"
        ).fetchone()
        if not row[0] or row[1]:
            return None
        return str(row[2])

    def has_feed_sources(self) -> bool:
        """True when at least one enabled feed source exists."""
        row = self.conn.execute(
            "SELECT 1 FROM sources WHERE kind = 'feed' AND disabled = 0 LIMIT 1"
        ).fetchone()
        return row is not None

    def recent_item_times(self, source_id: int, limit: int = 12) -> list[str]:
        """The sort times (published, else fetched) of a source's newest items, newest first."""
        return [
            str(row[0])
            for row in self.conn.execute(
                "SELECT sort_at FROM items WHERE source_id = ? AND sort_at != '' "
                "ORDER BY sort_at DESC LIMIT ?",
                (source_id, limit),
            )
        ]

    def move_source(self, source_id: int, url: str) -> bool:
        """Point a source at a new URL (a permanent redirect). False if another source has it."""
        with self.write():
            taken = self.conn.execute(
                "SELECT 1 FROM sources WHERE url = ? AND id != ?", (url, source_id)
            ).fetchone()
            if taken:
                return False
            self.conn.execute("UPDATE sources SET url = ? WHERE id = ?", (url, source_id))
        return True

    def record_refresh(
        self,
        source_id: int,
        *,
        entries: Sequence[tuple[NewItem, Classification]] = (),
        defer_stories: bool = False,
        source_fields: dict[str, object] | None = None,
        status: int | None,
        nbytes: int,
        duration_ms: int,
        error: str | None,
        at: str | None = None,
    ) -> SaveResult | None:
        """Store one fetch of one feed in one transaction: its items, health and fetch row.

        Returns None (and writes nothing) when the source was removed meanwhile.
        """
        at = at or utc_now()
        with self.write():
            exists = self.conn.execute(
                "SELECT 1 FROM sources WHERE id = ?", (source_id,)
            ).fetchone()
            if not exists:
                return None
            result = self.save_items(source_id, entries, fetched_at=at, defer_stories=defer_stories)
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

    # ----------------------------------------------------------------- items: writing

    def save_items(
        self,
        source_id: int,
        entries: Sequence[tuple[NewItem, Classification]],
        *,
        fetched_at: str | None = None,
        defer_stories: bool = False,
    ) -> SaveResult:
        """Insert new items and refresh changed ones of one source, in one transaction.

        Keyed by (source, guid): a re-fetch is idempotent. An existing item whose
        content hash and title are unchanged is left alone. User state (read, starred,
        tags, user theme decisions) is never touched. With `defer_stories` the new
        items get their stories later, in one pass (`assign_pending_stories`): a
        refresh does that once at its end, so its stories do not depend on which feed
        was stored first.
        """
        result = SaveResult()
        if not entries:
            return result
        now = fetched_at or utc_now()
        with self.write():
            existing = self._existing_items(source_id, [item.guid for item, _ in entries])
            stories = _StoryKeys(self.conn, [item for item, _ in entries])
            classified: list[tuple[int, Classification]] = []
            for item, classification in entries:
                known = existing.get(item.guid)
                if known is None:
                    item_id = self._insert_item(source_id, item, now, stories)
                    existing[item.guid] = (item_id, item.content_hash, item.title)
                    result.new_ids.append(item_id)
                elif (known[1], known[2]) != (item.content_hash, item.title):
                    item_id = known[0]
                    self._update_item(item_id, item)
                    stories.stale = True  # a stored copy changed: look up one by one
                    result.updated_ids.append(item_id)
                else:
                    result.unchanged += 1
                    continue
                classified.append((item_id, classification))
            if classified:  # all themes and actors in four statements
                self.set_rule_classifications(classified)
            if not defer_stories:
                self.assign_stories(result.new_ids)
            elif result.new_ids and self.get_meta(PENDING_STORIES_KEY) is None:
                self.set_meta(PENDING_STORIES_KEY, str(min(result.new_ids)))
        return result

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

    def _insert_item(
        self, source_id: int, item: NewItem, now: str, stories: _StoryKeys | None = None
    ) -> int:
        """Insert one item; it joins the story of a stored copy, else starts its own."""
        if stories is None:
            stories = _StoryKeys(self.conn, [])
            stories.stale = True
        story_key = stories.find(item) or new_story_key(source_id, item.guid)
        cur = self.conn.execute(
            "INSERT INTO items(source_id, guid, url, title, author, published, fetched_at, "
            "summary, content, text, content_hash, lang, canonical_url, sort_at, story_key) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
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
            ),
        )
        stories.added(item, story_key)
        return int(cur.lastrowid or 0)

    def _update_item(self, item_id: int, item: NewItem) -> None:
        self.conn.execute(
            "UPDATE items SET url = ?, title = ?, author = ?, "
            "published = COALESCE(?, published), summary = ?, content = ?, text = ?, "
            "content_hash = ?, lang = ?, canonical_url = ?, "
            "sort_at = COALESCE(?, ?, sort_at) WHERE id = ?",
            (
                item.url,
                item.title,
                item.author,
                item.published,
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

    def _replace_rule_classification(self, item_id: int, classification: Classification) -> None:
        """Swap the classifier's themes and the actors of one item; user decisions stay."""
        self.set_rule_classifications([(item_id, classification)])

    def set_rule_classifications(self, batch: Iterable[tuple[int, Classification]]) -> int:
        """Swap the classifier's themes and the actors of many items in one transaction;
        user decisions stay. Returns how many were written.

        Four statements for the whole batch (items share no rows; each item's actors
        keep their order).
        """
        items = list(batch)
        ids = [(item_id,) for item_id, _ in items]
        with self.write():
            self.conn.executemany(
                "DELETE FROM item_themes WHERE item_id = ? AND origin = 'rule'", ids
            )
            self.conn.executemany(
                "INSERT OR IGNORE INTO item_themes(item_id, theme, score, origin) "
                "VALUES (?, ?, ?, 'rule')",
                [(item_id, t.id, t.score) for item_id, c in items for t in c.themes],
            )
            self.conn.executemany("DELETE FROM item_actors WHERE item_id = ?", ids)
            self.conn.executemany(
                "INSERT OR IGNORE INTO item_actors(item_id, actor) VALUES (?, ?)",
                [(item_id, actor) for item_id, c in items for actor in c.actors],
            )
        return len(items)

    def update_rule_classifications(self, batch: Sequence[tuple[int, Classification]]) -> int:
        """Re-theme many items in one transaction, writing only those whose rule themes or
        actors would change (the result is that of set_rule_classifications). Returns
        how many items were rewritten."""
        changed = self.changed_rule_classifications(batch)
        if changed:
            self.set_rule_classifications(changed)
        return len(changed)

    def changed_rule_classifications(
        self, batch: Sequence[tuple[int, Classification]]
    ) -> list[tuple[int, Classification]]:
        """The entries of `batch` that set_rule_classifications would change: whose rule
        themes (those without a user decision) or actors (in order) differ."""
        ids = [item_id for item_id, _ in batch]
        rules: dict[int, dict[str, float]] = {i: {} for i in ids}
        users: dict[int, set[str]] = {i: set() for i in ids}
        actors: dict[int, list[str]] = {i: [] for i in ids}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for item_id, theme, score, origin in self.conn.execute(
                f"SELECT item_id, theme, score, origin FROM item_themes WHERE item_id IN ({marks})",
                chunk,
            ):
                if origin == "rule":
                    rules[item_id][theme] = score
                else:
                    users[item_id].add(theme)
            for item_id, actor in self.conn.execute(
                f"SELECT item_id, actor FROM item_actors WHERE item_id IN ({marks}) ORDER BY rowid",
                chunk,
            ):
                actors[item_id].append(actor)
        changed = []
        for item_id, classification in batch:
            wanted: dict[str, float] = {}  # what INSERT OR IGNORE would leave: first wins
            for theme in classification.themes:
                if theme.id not in users[item_id] and theme.id not in wanted:
                    wanted[theme.id] = theme.score
            if (
                wanted != rules[item_id]
                or list(dict.fromkeys(classification.actors)) != (actors[item_id])
            ):
                changed.append((item_id, classification))
        return changed

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

    def add_tags(self, item_ids: Iterable[int], tags: Iterable[str]) -> int:
        """Attach tags to items (existing pairs are kept). Returns pairs added."""
        pairs = [(i, t) for i in item_ids for t in tags]
        now = utc_now()
        with self.write():
            before = self.conn.total_changes
            self.conn.executemany(
                "INSERT OR IGNORE INTO tags(item_id, tag, created_at) VALUES (?, ?, ?)",
                [(i, t, now) for i, t in pairs],
            )
            return self.conn.total_changes - before

    def remove_tags(self, item_ids: Iterable[int], tags: Iterable[str]) -> int:
        """Detach tags from items. Returns pairs removed."""
        pairs = [(i, t) for i in item_ids for t in tags]
        with self.write():
            before = self.conn.total_changes
            self.conn.executemany("DELETE FROM tags WHERE item_id = ? AND tag = ?", pairs)
            return self.conn.total_changes - before

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

    def tags_of(self, item_ids: Iterable[int]) -> dict[int, set[str]]:
        """Item id → its tags, for the given items."""
        ids = list(item_ids)
        found: dict[int, set[str]] = {i: set() for i in ids}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                f"SELECT item_id, tag FROM tags WHERE item_id IN ({marks})", chunk
            ):
                found[row[0]].add(row[1])
        return found

    def set_user_theme(self, item_id: int, theme: str, accepted: bool | None) -> None:
        """Record a user's theme decision: True adds/accepts, False rejects, None forgets it."""
        with self.write():
            if accepted is None:
                self.conn.execute(
                    "DELETE FROM item_themes WHERE item_id = ? AND theme = ? AND origin = 'user'",
                    (item_id, theme),
                )
                return
            self.conn.execute(
                "INSERT INTO item_themes(item_id, theme, score, origin) VALUES (?, ?, ?, 'user') "
                "ON CONFLICT(item_id, theme) DO UPDATE SET score = excluded.score, origin = 'user'",
                (item_id, theme, 1.0 if accepted else 0.0),
            )

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
            "SELECT i.id, i.source_id, s.title AS source, i.title, i.url, i.published, "
            "i.read, i.starred FROM items i JOIN sources s ON s.id = i.source_id "
            f"WHERE {where} ORDER BY i.sort_at DESC, i.id DESC LIMIT ? OFFSET ?",
            (*params, query.limit, query.offset),
        ).fetchall()
        items = [ItemRow(**_row_fields(r)) for r in rows]
        self._attach_labels(items)
        self._attach_stories(items)
        return items

    def _attach_labels(self, items: Sequence[ItemRow]) -> None:
        if not items:
            return
        by_id = {item.id: item for item in items}
        marks = ",".join("?" * len(by_id))
        ids = tuple(by_id)
        for row in self.conn.execute(
            f"SELECT item_id, tag FROM tags WHERE item_id IN ({marks}) ORDER BY tag", ids
        ):
            by_id[row[0]].tags.append(row[1])
        for row in self.conn.execute(
            f"SELECT item_id, theme, score, origin FROM item_themes "
            f"WHERE item_id IN ({marks}) AND score > 0 ORDER BY score DESC, theme",
            ids,
        ):
            by_id[row[0]].themes.append(ThemeScore(row[1], row[2], row[3]))
        for row in self.conn.execute(
            f"SELECT item_id, actor FROM item_actors WHERE item_id IN ({marks}) ORDER BY rowid",
            ids,
        ):
            by_id[row[0]].actors.append(row[1])

    def get_item(self, item_id: int) -> ItemDetail | None:
        """One item with everything the reading pane shows."""
        r = self.conn.execute(
            "SELECT i.*, s.title AS source, s.kind AS source_kind FROM items i "
            "JOIN sources s ON s.id = i.source_id "
            "WHERE i.id = ?",
            (item_id,),
        ).fetchone()
        if r is None:
            return None
        item = ItemDetail(
            **_row_fields(r),
            author=r["author"],
            summary=r["summary"],
            content=r["content"],
            text=r["text"],
            fetched_at=r["fetched_at"],
            lang=r["lang"],
            source_kind=r["source_kind"],
        )
        self._attach_labels([item])
        self._attach_stories([item])
        return item

    def user_theme_decisions(self, item_id: int) -> dict[str, bool]:
        """The user's theme decisions on an item: theme id → accepted."""
        return {
            row[0]: row[1] > 0
            for row in self.conn.execute(
                "SELECT theme, score FROM item_themes WHERE item_id = ? AND origin = 'user'",
                (item_id,),
            )
        }

    def theme_counts(self) -> dict[str, tuple[int, int]]:
        """Theme id → (items, unread items) for every theme with at least one item."""
        return {
            row[0]: (row[1], row[2])
            for row in self.conn.execute(
                "SELECT theme, total, unread FROM theme_counts WHERE total > 0"
            )
        }

    def theme_daily_counts(self, since: str) -> dict[str, dict[str, int]]:
        """Theme id → {ISO day → items} for items dated on or after `since` (ISO)."""
        result: dict[str, dict[str, int]] = {}
        # CROSS JOIN: the recent items (sort_at index) drive; without statistics SQLite
        # may otherwise walk every item_themes row for the GROUP BY (2 s at 1M items).
        for theme, day, count in self.conn.execute(
            "SELECT t.theme, substr(i.sort_at, 1, 10) AS day, COUNT(*) FROM items i "
            "CROSS JOIN item_themes t ON t.item_id = i.id "
            "WHERE i.sort_at >= ? AND t.score > 0 GROUP BY t.theme, day",
            (since,),
        ):
            result.setdefault(theme, {})[day] = count
        return result

    def tag_counts(self) -> dict[str, int]:
        """Tag → number of items carrying it."""
        return {
            row[0]: row[1]
            for row in self.conn.execute("SELECT tag, COUNT(*) FROM tags GROUP BY tag ORDER BY tag")
        }

    def actor_counts(self, limit: int = 50) -> list[tuple[str, int]]:
        """The most-named actors with their item counts."""
        return [
            (row[0], row[1])
            for row in self.conn.execute(
                "SELECT actor, COUNT(*) AS n FROM item_actors GROUP BY actor "
                "ORDER BY n DESC, actor LIMIT ?",
                (limit,),
            )
        ]

    # ----------------------------------------------------------------- saved views

    def save_view(self, name: str, query: str) -> int:
        """Save (or replace) a named search; returns its id."""
        with self.write():
            self.conn.execute(
                "INSERT INTO views(name, query, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET query = excluded.query",
                (name, query, utc_now()),
            )
            row = self.conn.execute("SELECT id FROM views WHERE name = ?", (name,)).fetchone()
        return int(row[0])

    def views(self) -> list[tuple[int, str, str]]:
        """Saved views as (id, name, query), by name."""
        return [
            (r[0], r[1], r[2])
            for r in self.conn.execute("SELECT id, name, query FROM views ORDER BY lower(name)")
        ]

    def delete_view(self, view_id: int) -> bool:
        """Forget a saved view."""
        with self.write():
            return self.conn.execute("DELETE FROM views WHERE id = ?", (view_id,)).rowcount > 0

    def integrity_check(self) -> str:
        """SQLite's own integrity check ("ok" when healthy)."""
        return str(self.conn.execute("PRAGMA integrity_check").fetchone()[0])

    # ----------------------------------------------------------------- full articles, learning

    def save_full_article(
        self, item_id: int, content: str, text: str, classification: Classification
    ) -> bool:
        """Store an article's extracted body on an item and re-theme it, in one transaction.

        The feed's summary is kept (a summary-only feed's text was stored as content: it
        moves to `summary`); the content hash stays the feed's, so a refresh of an
        unchanged entry leaves the full text alone. Read, starred, tags and user theme
        decisions are untouched. False when the item does not exist.
        """
        with self.write():
            changed = self.conn.execute(
                "UPDATE items SET summary = COALESCE(summary, content), content = ?, text = ? "
                "WHERE id = ?",
                (content, text, item_id),
            ).rowcount
            if changed:
                self._replace_rule_classification(item_id, classification)
        return changed > 0

    def user_decisions(self) -> list[tuple[int, str, bool]]:
        """Every user theme decision as (item id, theme, accepted), by item then theme."""
        return [
            (int(row[0]), str(row[1]), row[2] > 0)
            for row in self.conn.execute(
                "SELECT item_id, theme, score FROM item_themes WHERE origin = 'user' "
                "ORDER BY item_id, theme"
            )
        ]

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

    # ----------------------------------------------------------------- analysis
    # Stories (near-duplicate clusters, see tui/stories.py), trends, actors, briefs.

    def assign_stories(self, item_ids: Sequence[int]) -> int:
        """Put items without a story into one; returns how many joined an existing story.

        An exact copy (same `story_key`) joins its copy's story. Otherwise the item's
        MinHash bands find candidates from other sources dated within
        `stories.WINDOW_DAYS`; the most similar one at or above `stories.SAME_STORY`
        (Jaccard of features) gives the story, else the item starts its own. A story's
        head is its newest item. Stories never merge afterwards. Items are taken in
        (sort_at, source, id) order whatever order they are given in; the band index
        is kept per connection, a day at a time (see `tui.story_clusters`).
        """
        if not item_ids:
            return 0
        try:
            with self.write():
                return self._clusterer().assign(item_ids)
        except BaseException:
            self.__dict__.pop("_story_clusterer", None)  # it may list rolled-back items
            raise

    def assign_pending_stories(self) -> int:
        """Assign the items a refresh stored with `defer_stories` (and any a crash left):
        every unassigned item from the first one deferred on, in one pass."""
        with self.write():
            first = self.get_meta(PENDING_STORIES_KEY)
            if first is None:
                return 0
            ids = [
                int(r[0])
                for r in self.conn.execute(
                    "SELECT id FROM items WHERE id >= ? AND cluster_id IS NULL", (int(first),)
                )
            ]
            joined = self.assign_stories(ids)
            self.conn.execute("DELETE FROM meta WHERE key = ?", (PENDING_STORIES_KEY,))
            return joined

    def _clusterer(self) -> StoryClusterer:
        found = self.__dict__.get("_story_clusterer")
        if found is None:
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
            "SELECT i.id, i.source_id, s.title, i.title, i.url, i.published, i.read, i.starred "
            "FROM items i JOIN sources s ON s.id = i.source_id WHERE i.cluster_id = ? "
            "ORDER BY i.sort_at, i.id",
            (story_id,),
        ).fetchall()
        members = [
            ItemRow(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), bool(r[7])) for r in rows
        ]
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

    def daily_label_counts(self, kind: str, since: str, before: str) -> dict[str, dict[str, int]]:
        """Theme or actor (`kind`) → {ISO day → items} for items in [since, before)."""
        table, column, condition = {
            "theme": ("item_themes", "theme", "AND t.score > 0"),
            "actor": ("item_actors", "actor", ""),
        }[kind]
        result: dict[str, dict[str, int]] = {}
        for label, day, count in self.conn.execute(
            f"SELECT t.{column}, substr(i.sort_at, 1, 10) AS day, COUNT(*) FROM items i "
            f"JOIN {table} t ON t.item_id = i.id WHERE i.sort_at >= ? AND i.sort_at < ? "
            f"{condition} GROUP BY t.{column}, day",
            (since, before),
        ):
            result.setdefault(label, {})[day] = count
        return result

    def cooccurrence(self, since: str, before: str) -> dict[tuple[str, str], int]:
        """(actor, theme) → items naming the actor with the theme, in [since, before)."""
        return {
            (row[0], row[1]): row[2]
            for row in self.conn.execute(
                "SELECT a.actor, t.theme, COUNT(*) FROM items i "
                "JOIN item_actors a ON a.item_id = i.id JOIN item_themes t ON t.item_id = i.id "
                "WHERE i.sort_at >= ? AND i.sort_at < ? AND t.score > 0 "
                "GROUP BY a.actor, t.theme",
                (since, before),
            )
        }

    def actor_counts_in(self, query: ItemQuery, limit: int = 50) -> list[tuple[str, int]]:
        """The actors named by the items of a filter (its own actor filter left out),
        most named first."""
        from dataclasses import replace

        narrowed = replace(query, actor=None, actor_groups=(), stories=False)
        where, params = _build_where(narrowed)
        subset = f"WHERE a.item_id IN (SELECT i.id FROM items i WHERE {where})"
        if where == "1":
            subset = ""
        return [
            (row[0], row[1])
            for row in self.conn.execute(
                f"SELECT a.actor, COUNT(*) AS n FROM item_actors a {subset} "
                "GROUP BY a.actor ORDER BY n DESC, a.actor LIMIT ?",
                (*params, limit),
            )
        ]


PENDING_STORIES_KEY = "stories_pending_from"  # meta: first item id stored unassigned
