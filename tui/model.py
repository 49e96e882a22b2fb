"""Plain dataclasses passed between layers (no I/O, no Textual, no SQL)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def _reduce_to_fields(self: Any) -> tuple[type, tuple[object, ...]]:
    """Pickle as a constructor call with the field values (in slot order = field order).

    For the classes that cross from the parse workers with every item (NewItem,
    Classification, ThemeScore): dataclass's slots pickling looks the fields up again
    per object. Pickling and unpickling the 2,290 farm items' outcomes took 0.034 ms
    CPU an item, 0.023 with this (min of 7). None of them is pickled to disk.
    """
    return type(self), tuple([getattr(self, name) for name in type(self).__slots__])


@dataclass(frozen=True, slots=True)
class ThemeDef:
    """One theme of the lexicon: a stable id, a display name and what it covers."""

    id: str
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class ThemeScore:
    """A theme attached to an item, with its score and who decided it."""

    id: str
    score: float
    origin: str = "rule"  # "rule" (classifier) or "user" (a keyboard decision)

    __reduce__ = _reduce_to_fields


@dataclass(frozen=True, slots=True)
class Classification:
    """What the classifier says about one text: themes above threshold and actors named."""

    themes: tuple[ThemeScore, ...] = ()
    actors: tuple[str, ...] = ()

    def theme_ids(self) -> list[str]:
        """The theme ids, best first."""
        return [t.id for t in self.themes]

    __reduce__ = _reduce_to_fields


@dataclass(slots=True)
class NewItem:
    """An article ready to be stored: already sanitised, text extracted."""

    guid: str
    title: str
    url: str | None = None
    author: str | None = None
    published: str | None = None  # UTC ISO 8601, e.g. 2025-07-09T00:00:00+00:00
    summary: str | None = None
    content: str | None = None
    text: str = ""
    content_hash: str | None = None
    lang: str | None = None
    canonical_url: str | None = None
    sort_at: str | None = None  # where an undated item sorts (default: published, else fetch time)

    __reduce__ = _reduce_to_fields


#: A parsed entry on its way to the store. The classification is None when the parse
#: skipped the lexicon because the entry is stored unchanged (tui.feeds.known).
FeedEntry = tuple[NewItem, Classification | None]


@dataclass(slots=True)
class Source:
    """A feed (or the seed corpus) as stored, with its health fields."""

    id: int
    url: str
    title: str
    kind: str = "feed"
    site_url: str | None = None
    category: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    checked_at: str | None = None
    ok_at: str | None = None
    status: int | None = None
    error: str | None = None
    error_count: int = 0
    next_check_at: str | None = None
    disabled: bool = False
    disabled_reason: str | None = None
    body_hash: str | None = None


@dataclass(slots=True)
class SourceSummary:
    """A source with its item counts, for the sources panel and `aigeo sources`."""

    source: Source
    total: int
    unread: int


@dataclass(slots=True)
class ItemRow:
    """One row of an item listing (what the list panel and `items --json` need)."""

    id: int
    source_id: int
    source: str
    title: str
    url: str | None
    published: str | None
    read: bool
    starred: bool
    tags: list[str] = field(default_factory=list)
    themes: list[ThemeScore] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    story_id: int | None = None  # the story (cluster of near-duplicates) it belongs to
    story_items: int = 1  # articles in that story, itself included
    story_sources: int = 1  # distinct sources among them
    note: str = ""  # the analyst's own note (item_notes; never written by a refresh)
    lead: str | None = None  # the start of the text of an untitled item (its list label)


@dataclass(slots=True)
class ItemDetail(ItemRow):
    """An item with everything the reading pane shows."""

    author: str | None = None
    summary: str | None = None
    content: str | None = None
    text: str = ""
    fetched_at: str | None = None
    lang: str | None = None
    source_kind: str = "feed"
    story_others: list[tuple[str, str | None]] = field(default_factory=list)  # (source, url)


@dataclass(frozen=True, slots=True)
class SearchTerm:
    """One full-text term: a word or a phrase, optionally a prefix (`word*`, `"a phr"*`)."""

    text: str
    prefix: bool = False
    phrase: bool = False


@dataclass(frozen=True, slots=True)
class ItemQuery:
    """A filter over items; every field narrows the result. Frozen: derive a changed
    query with `dataclasses.replace()` (the App, the panels and the planner share them).

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
    category_groups: tuple[tuple[str, ...], ...] = ()  # a source's category (folder), any case
    exclude_categories: tuple[str, ...] = ()
    terms: tuple[SearchTerm, ...] = ()
    exclude_terms: tuple[SearchTerm, ...] = ()
    since: str | None = None
    before: str | None = None
    stories: bool = False  # one row per story (its newest item) instead of every item
    ids: tuple[int, ...] = ()  # only these items (a watchlist checks a refresh's new ones)
    note_groups: tuple[tuple[str, ...], ...] = ()  # note contains one of ("" = has a note)
    exclude_notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SaveResult:
    """What storing one feed's items did (built once the transaction is done)."""

    new_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)
    unchanged: int = 0
