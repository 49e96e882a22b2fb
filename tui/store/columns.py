"""Item columns: the single list that item-row queries select."""

from __future__ import annotations

import sqlite3

# The one list of item-row columns: every query that selects item rows selects these
# (items aliased `i`, sources `s`) and builds its rows with `item_row_fields`. A new
# ItemRow field is a line here (and its migration); ItemDetail's extra fields are below.
ITEM_ROW_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "i.id"),
    ("source_id", "i.source_id"),
    ("source", "s.title"),
    ("title", "i.title"),
    ("url", "i.url"),
    ("published", "i.published"),
    ("read", "i.read"),
    ("starred", "i.starred"),
)
ITEM_DETAIL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("author", "i.author"),
    ("summary", "i.summary"),
    ("content", "i.content"),
    ("text", "i.text"),
    ("fetched_at", "i.fetched_at"),
    ("lang", "i.lang"),
    ("source_kind", "s.kind"),
)
_FLAGS = frozenset({"read", "starred"})
# `FROM items i JOIN sources s …` is the caller's; these are the select lists.
ITEM_ROW_SELECT = ", ".join(f"{sql} AS {name}" for name, sql in ITEM_ROW_COLUMNS)
ITEM_DETAIL_SELECT = ", ".join(
    f"{sql} AS {name}" for name, sql in (*ITEM_ROW_COLUMNS, *ITEM_DETAIL_COLUMNS)
)


def item_row_fields(row: sqlite3.Row) -> dict[str, object]:
    """The ItemRow fields of a row selected with ITEM_ROW_SELECT (or the detail list)."""
    return {name: bool(row[name]) if name in _FLAGS else row[name] for name, _ in ITEM_ROW_COLUMNS}


def item_detail_fields(row: sqlite3.Row) -> dict[str, object]:
    """The ItemDetail fields of a row selected with ITEM_DETAIL_SELECT."""
    return {**item_row_fields(row), **{name: row[name] for name, _ in ITEM_DETAIL_COLUMNS}}
