"""Property tests: no typed text can make the parser or the store's search raise."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.model import Classification, ItemQuery, NewItem, SearchTerm, ThemeScore
from tui.query import parse_query
from tui.store import Store
from tui.store.planner import fts_term

NOW = datetime(2025, 7, 9, 12, tzinfo=UTC)

# Pieces that mean something to the language, to FTS5 or to SQL, mixed with any text.
PIECES = [
    '"', "'", "*", ":", "-", "(", ")", ",", "^", "+", "{", "}", "[", "]", "%", "_", ";",
    "\\", "\x00", "\x1b", "\n", "\t", " ", "  ", "\u202e", "\u0301", "\ud800", "é", "中国", "🚀",
    "AND", "OR", "NOT", "NEAR", "NEAR(", "and", "title:", "text:", "items_fts:", "rowid",
    "theme:", "-theme:", "actor:", "source:", "tag:", "-tag:", "is:", "is:unread",
    "is:starred", "is:read", "since:", "before:", "-since:", "7d", "3m", "1y", "2025",
    "2025-06-01", "2025-13-45", "chips", "export", "controls", "Nvidia", "chips,compute",
    "https://x", "10:30", "'); DROP TABLE items; --", "\"\"", "\"a b\"*",
]  # fmt: skip
query_text = st.one_of(
    st.text(max_size=60),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=14).map("".join),
    st.lists(st.sampled_from(PIECES), max_size=10).map(" ".join),
)
FAST = settings(max_examples=200, deadline=None)


@pytest.fixture(scope="module")
def search_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A real SQLite file with a few items carrying every kind of label."""
    store = Store.open(tmp_path_factory.mktemp("props") / "aigeo.db")
    source_id, _ = store.add_source("https://a.test/feed", "A ChinaTalk")
    entries = [
        (
            NewItem(
                guid=str(n),
                title=title,
                text=f"{title} export controls chips AND OR NOT NEAR 10:30 中国",
                published=f"2025-0{n + 1}-01T00:00:00+00:00",
                content_hash=str(n),
            ),
            Classification((ThemeScore("chips", 0.5),), ("Nvidia",)),
        )
        for n, title in enumerate(["Chips", 'Quote " inside', "NEAR(a b)", "日本語 text"])
    ]
    ids = store.save_items(source_id, entries).new_ids
    store.add_tags(ids[:2], ["brief"])
    store.set_read(ids[1:3])
    yield store
    store.close()


@FAST
@given(text=query_text)
def test_parse_never_raises(text: str) -> None:
    parsed = parse_query(text, now=NOW)
    parsed.describe()
    parsed.highlight_terms()
    assert all(isinstance(error, str) and error for error in parsed.errors)


@FAST
@given(text=query_text)
def test_store_never_raises_on_a_parsed_query(search_store: Store, text: str) -> None:
    query = parse_query(text, now=NOW).to_item_query(ItemQuery(limit=1000))
    rows = search_store.list_items(query)
    assert search_store.count_items(query) == len(rows)  # two code paths agree


@FAST
@given(
    terms=st.lists(st.builds(SearchTerm, st.text(max_size=12), st.booleans()), max_size=4),
    excluded=st.lists(st.builds(SearchTerm, st.text(max_size=12), st.booleans()), max_size=3),
    search=st.one_of(st.none(), st.text(max_size=20)),
    labels=st.lists(st.text(max_size=8), max_size=3).map(tuple),
)
def test_store_never_raises_on_any_item_query(
    search_store: Store,
    terms: list[SearchTerm],
    excluded: list[SearchTerm],
    search: str | None,
    labels: tuple[str, ...],
) -> None:
    query = ItemQuery(
        search=search,
        terms=tuple(terms),
        exclude_terms=tuple(excluded),
        theme_groups=(labels,),
        tag_groups=(labels,),
        actor_groups=(labels,),
        source_groups=(labels,),
        exclude_themes=labels,
        exclude_tags=labels,
        exclude_actors=labels,
        exclude_sources=labels,
        since=labels[0] if labels else None,
        before=labels[-1] if labels else None,
    )
    rows = search_store.list_items(query)
    assert search_store.count_items(query) == len(rows)


@FAST
@given(text=st.text(max_size=30), prefix=st.booleans())
def test_a_quoted_term_is_always_valid_fts5(search_store: Store, text: str, prefix: bool) -> None:
    quoted = fts_term(SearchTerm(text, prefix))
    if quoted is not None:
        search_store.conn.execute(
            "SELECT count(*) FROM items_fts WHERE items_fts MATCH ?", (quoted,)
        ).fetchone()
