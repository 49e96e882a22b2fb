"""Plain dataclasses passed between layers (no I/O, no Textual, no SQL)."""

from __future__ import annotations

from dataclasses import dataclass, field


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


@dataclass(frozen=True, slots=True)
class Classification:
    """What the classifier says about one text: themes above threshold and actors named."""

    themes: tuple[ThemeScore, ...] = ()
    actors: tuple[str, ...] = ()

    def theme_ids(self) -> list[str]:
        """The theme ids, best first."""
        return [t.id for t in self.themes]


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
    lead: str = ""  # the start of the text of an untitled item (its list label)


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
