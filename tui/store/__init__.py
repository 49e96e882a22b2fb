"""The SQLite store: the only code that speaks SQL.

`Store` is a facade composed of per-domain parts over one connection (the layout follows
lemon24/reader's `_storage/`): `base` (opening, checks, the write transaction, meta),
`schema` (migrations, count triggers), `planner` (ItemQuery → SQL, FTS5, the plan),
`columns` (the one list of item columns), `sources`, `labels` (themes, actors, tags),
`story_keys` + `stories` (exact copies and near-duplicate clustering), `items` (writing
and reading items) and `counts` (panel counts, daily series, saved views). Each part
builds on the one below it (base ← labels ← stories ← items, base ← sources ← items,
base ← counts), so every method a part calls is in its own class hierarchy. Schema
creation and migrations go through sqlite-utils; hot paths use plain SQL.
"""

from __future__ import annotations

from tui.store.base import (
    SEED_SOURCE_TITLE,
    SEED_SOURCE_URL,
    StoreError,
    describe_database_error,
    utc_now,
)
from tui.store.counts import CountsPart
from tui.store.items import ItemsPart

__all__ = [
    "SEED_SOURCE_TITLE",
    "SEED_SOURCE_URL",
    "Store",
    "StoreError",
    "describe_database_error",
    "utc_now",
]


class Store(ItemsPart, CountsPart):
    """One open aigeo database. Not shared between threads: open one per thread."""
