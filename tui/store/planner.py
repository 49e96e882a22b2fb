"""From an ItemQuery to SQL: the WHERE builder, FTS5 quoting, and the query planner
that picks how a page or a count is found (see the cost notes at WALK_FACTOR).
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tui.model import (
    ItemQuery,
    SearchTerm,
)

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


def _id_set(ids: Sequence[int]) -> _ItemSet:
    """Exactly these items (a JSON list bound as one parameter)."""
    values = json.dumps(sorted({int(i) for i in ids}))
    listed = "SELECT value FROM json_each(?)"
    return _ItemSet(
        "ids", listed, [values], unique=True, seek=f"SELECT 1 WHERE {{ref}} IN ({listed})"
    )


def _note_set(key: str, values: Sequence[str]) -> _ItemSet:
    """Items whose note contains one of `values` (case-insensitive; "" = any note)."""
    words = list(dict.fromkeys(v.lower() for v in values)) or [""]
    test = " OR ".join("instr(lower(note), ?) > 0" for _ in words)
    return _ItemSet(
        key,
        f"SELECT item_id FROM item_notes WHERE {test}",
        list(words),
        unique=True,
        seek=f"SELECT 1 FROM item_notes WHERE item_id = {{ref}} AND ({test})",
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


def _category_ids(values: list[str]) -> tuple[str, list[object]]:
    """`SELECT id` of the sources whose category (OPML folder) is any value (any case)."""
    marks = ", ".join("lower(?)" for _ in values)
    return f"SELECT id FROM sources WHERE lower(category) IN ({marks})", list(values)


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
    for values in _groups(None, query.category_groups):
        sql, args = _category_ids(values)
        where.row(f"{hide}i.source_id IN ({sql})", *args, indexed=True)
    if excluded := _values(query.exclude_categories):
        sql, args = _category_ids(excluded)
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
    for note_number, note_values in enumerate(query.note_groups):
        where.sets.append(_note_set(f"notes:{note_number}", note_values))
    if query.exclude_notes:
        where.excluded.append(_note_set("notes", query.exclude_notes))
    positive, negative = _fts_match(query)
    fts = "SELECT rowid FROM items_fts WHERE items_fts MATCH ?"
    fts_args: list[object] = []
    if query.ids:  # only the tail of the doclists: new items have the highest ids
        where.sets.insert(0, _id_set(query.ids))
        fts += " AND rowid BETWEEN ? AND ?"
        fts_args = [min(query.ids), max(query.ids)]
    if positive:
        match = f"({positive}) NOT ({negative})" if negative else positive
        where.sets.append(_ItemSet("fts", fts, [match, *fts_args], unique=True))
    elif negative:
        where.excluded.append(_ItemSet("fts", fts, [negative, *fts_args], unique=True))

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
    key: str | int
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
