"""The search language: parsing, descriptions, and every filter narrowing a real store."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from tui.model import Classification, ItemQuery, NewItem, SearchTerm, ThemeScore
from tui.query import ParsedQuery, parse_query, parse_time
from tui.store import Store
from tui.store import planner as store_module
from tui.store.planner import _build_where, _plan, _where_parts, fts_term

NOW = datetime(2025, 7, 9, 12, 0, tzinfo=UTC)


def parse(text: str) -> ParsedQuery:
    return parse_query(text, now=NOW)


# --------------------------------------------------------------------------- parser


def test_free_words_phrases_prefixes_and_exclusions() -> None:
    q = parse('chips  "export controls" chip* "export contr"* -weather -"stock tips" -smug*')
    assert q.terms == (
        SearchTerm("chips"),
        SearchTerm("export controls", phrase=True),
        SearchTerm("chip", prefix=True),
        SearchTerm("export contr", prefix=True, phrase=True),
    )
    assert q.exclude_terms == (
        SearchTerm("weather"),
        SearchTerm("stock tips", phrase=True),
        SearchTerm("smug", prefix=True),
    )
    assert q.errors == ()


def test_label_fields_repeat_as_and_commas_as_or() -> None:
    q = parse(
        "theme:chips theme:Chips,compute -theme:markets actor:Nvidia "
        'actor:"United States" -actor:meta source:"ChinaTalk" source:12 -source:spam '
        "tag:brief,follow-up -tag:done"
    )
    assert q.themes == (("chips",), ("chips", "compute"))
    assert q.exclude_themes == ("markets",)
    assert q.actors == (("Nvidia",), ("United States",))
    assert q.exclude_actors == ("meta",)
    assert q.sources == (("ChinaTalk",), ("12",))
    assert q.exclude_sources == ("spam",)
    assert q.tags == (("brief", "follow-up"),)
    assert q.exclude_tags == ("done",)
    assert q.terms == () and q.errors == ()


def test_quoted_values_keep_commas_and_fields_are_case_insensitive() -> None:
    q = parse('TAG:"a, b" Actor:"Mistral AI" IS:Unread')
    assert q.tags == (("a, b",),)
    assert q.actors == (("Mistral AI",),)
    assert q.unread is True


@pytest.mark.parametrize(
    ("text", "unread", "starred"),
    [
        ("is:unread", True, None),
        ("is:read", False, None),
        ("is:starred", None, True),
        ("is:unstarred", None, False),
        ("-is:unread", False, None),
        ("-is:starred", None, False),
        ("is:unread is:starred", True, True),
    ],
)
def test_is_flags(text: str, unread: bool | None, starred: bool | None) -> None:
    q = parse(text)
    assert (q.unread, q.starred, q.errors) == (unread, starred, ())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("24h", datetime(2025, 7, 8, 12, tzinfo=UTC)),
        ("7d", datetime(2025, 7, 2, 12, tzinfo=UTC)),
        ("7D", datetime(2025, 7, 2, 12, tzinfo=UTC)),
        ("2w", datetime(2025, 6, 25, 12, tzinfo=UTC)),
        ("3m", datetime(2025, 4, 9, 12, tzinfo=UTC)),
        ("1y", datetime(2024, 7, 9, 12, tzinfo=UTC)),
        ("2025-06-01", datetime(2025, 6, 1, tzinfo=UTC)),
        ("2025-06", datetime(2025, 6, 1, tzinfo=UTC)),
        ("2025", datetime(2025, 1, 1, tzinfo=UTC)),
        ("2025-6-1", datetime(2025, 6, 1, tzinfo=UTC)),
        ("2025-06-01T08:30", datetime(2025, 6, 1, 8, 30, tzinfo=UTC)),
        ("2025-06-01T08:30+02:00", datetime(2025, 6, 1, 6, 30, tzinfo=UTC)),
        ("today", datetime(2025, 7, 9, tzinfo=UTC)),
        ("yesterday", datetime(2025, 7, 8, tzinfo=UTC)),
    ],
)
def test_time_values(value: str, expected: datetime) -> None:
    assert parse_time(value, NOW).at == expected
    assert parse(f"since:{value}").since.at == expected  # type: ignore[union-attr]
    assert parse(f"before:{value}").before.at == expected  # type: ignore[union-attr]


def test_months_clamp_to_the_end_of_a_shorter_month() -> None:
    march_31 = datetime(2025, 3, 31, 9, tzinfo=UTC)
    assert parse_time("1m", march_31).at == datetime(2025, 2, 28, 9, tzinfo=UTC)
    assert parse_time("13m", march_31).at == datetime(2024, 2, 29, 9, tzinfo=UTC)


def test_time_bounds_intersect_and_negation_swaps_them() -> None:
    q = parse("since:1y since:7d before:2025-08 before:2026")
    assert q.since is not None and q.since.text == "7d"
    assert q.before is not None and q.before.text == "2025-08"
    q = parse("-since:30d -before:2025")
    assert q.before is not None and q.before.text == "30d"
    assert q.since is not None and q.since.text == "2025"
    assert q.since.iso() == "2025-01-01T00:00:00+00:00"


def test_naive_now_is_utc() -> None:
    q = parse_query("since:1d", now=datetime(2025, 7, 9, 12))
    assert q.since is not None and q.since.iso() == "2025-07-08T12:00:00+00:00"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("since:abc", "since: 'abc' is not a date"),
        ("before:7", "needs a unit"),
        ("since:2025-13", "not a usable date"),
        ("since:2025-02-30", "not a usable date"),
        ("since:99999999999y", "not a usable date"),
        ("since:" + "9" * 5000 + "d", "not a usable date"),
        ("is:bogus", "unknown is:bogus"),
        ("is:read is:unread", "contradict"),
        ("since:2025-07 before:2025-06", "nothing can match"),
        ("-since:abc", "-since: 'abc' is not a date"),
    ],
)
def test_bad_values_are_errors_and_the_rest_still_applies(text: str, message: str) -> None:
    q = parse(f"chips {text} theme:chips")
    assert any(message in error for error in q.errors), q.errors
    assert q.terms == (SearchTerm("chips"),) and q.themes == (("chips",),)


def test_unknown_fields_are_plain_text() -> None:
    q = parse("https://example.org/a 10:30 foo:bar -x:y :colon")
    assert [t.text for t in q.terms] == ["https://example.org/a", "10:30", "foo:bar", ":colon"]
    assert q.exclude_terms == (SearchTerm("x:y"),)
    assert q.errors == ()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "-",
        "*",
        '"',
        '""',
        '"unclosed',
        '-"',
        "theme:",
        "theme:,",
        "-theme:",
        'source:"',
        'source:"Chin',
        "is:",
        "since:",
        "before: ",
        "actor:,,",
        "\x00",
        "\ud800",
        "\x1b[31m",
    ],
)
def test_half_typed_and_junk_input_is_fine(text: str) -> None:
    q = parse(text)
    assert q.errors == ()
    q.to_item_query(ItemQuery())
    q.describe()
    q.highlight_terms()


def test_unclosed_values_take_the_rest_of_the_input() -> None:
    assert parse('source:"China Talk').sources == (("China Talk",),)
    assert parse('chips "export con').terms[1] == SearchTerm("export con", phrase=True)


def test_every_prefix_of_a_long_query_parses() -> None:
    text = (
        'chips export controls theme:chips actor:Nvidia source:"ChinaTalk" tag:brief '
        'is:unread is:starred since:7d before:2025-06-01 -theme:markets "exact phrase" -word'
    )
    for end in range(len(text) + 1):
        parse(text[:end]).to_item_query(ItemQuery()).__repr__()


def test_describe_and_highlight() -> None:
    q = parse('chips theme:chips is:unread since:7d "export controls" chip* -weather')
    assert q.describe() == (
        '"chips" "export controls" "chip"* not "weather" · theme: chips · unread · last 7 days'
    )
    assert q.highlight_terms() == ["chips", "export controls", "chip"]
    q = parse(
        "theme:chips,compute -theme:markets,defense actor:Nvidia source:x tag:t is:read "
        "is:unstarred since:2025-06 before:1d"
    )
    assert q.describe() == (
        "theme: chips or compute · not theme: markets, defense · actor: Nvidia · source: x · "
        "tag: t · read · unstarred · since 2025-06 · older than 1 day"
    )
    assert parse("since:1y").describe() == "last year"
    assert parse("since:24h").describe() == "last 24 hours"
    assert parse("").describe() == "" and parse("").is_empty
    assert parse("since:bogus").is_empty


def test_to_item_query_narrows_the_base() -> None:
    base = ItemQuery(
        source_id=3,
        theme="chips",
        unread=True,
        since="2025-01-01T00:00:00+00:00",
        theme_groups=(("safety",),),
        limit=50,
        offset=100,
    )
    merged = parse("theme:compute is:read since:7d before:2026 foo").to_item_query(base)
    assert merged.source_id == 3 and merged.theme == "chips"
    assert merged.theme_groups == (("safety",), ("compute",))
    assert merged.unread is False  # the typed flag wins
    assert merged.since == "2025-07-02T12:00:00+00:00"  # the later bound
    assert merged.before == "2026-01-01T00:00:00+00:00"
    assert merged.terms == (SearchTerm("foo"),)
    assert (merged.limit, merged.offset) == (50, 100)
    assert base.theme_groups == (("safety",),)  # the base is not changed
    assert parse("").to_item_query(base) == base


# --------------------------------------------------------------------------- FTS quoting


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        (SearchTerm("chips"), '"chips"'),
        (SearchTerm("chip", prefix=True), '"chip"*'),
        (SearchTerm('say "hi"'), '"say ""hi"""'),
        (SearchTerm("a\x00b"), '"a b"'),
        (SearchTerm("NEAR(a b)"), '"NEAR(a b)"'),
        (SearchTerm("***"), None),
        (SearchTerm(""), None),
        (SearchTerm("\u0301"), None),
    ],
)
def test_fts_term_quotes_everything(term: SearchTerm, expected: str | None) -> None:
    assert fts_term(term) == expected


# --------------------------------------------------------------------------- against a store


def _item(guid: str, title: str, text: str, published: str) -> NewItem:
    return NewItem(guid=guid, title=title, text=text, published=published, content_hash=guid)


def _classified(themes: dict[str, float], actors: tuple[str, ...] = ()) -> Classification:
    return Classification(tuple(ThemeScore(t, s) for t, s in themes.items()), actors)


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """Six items over three sources with themes, actors, tags, read and star marks.

    Shared by the module's tests, which only read it.
    """
    store = Store.open(tmp_path_factory.mktemp("query") / "aigeo.db")
    a, _ = store.add_source("https://chinatalk.media/feed", "ChinaTalk")
    b, _ = store.add_source("https://www.lawfaremedia.org/feed", "Lawfare")
    c, _ = store.add_source("https://importai.substack.com/feed", "Import AI")
    store.save_items(a, [
        (_item("1", "Export controls on Nvidia chips tighten",
               "The US export controls target advanced chips.", "2025-07-05T09:00:00+00:00"),
         _classified({"chips": 0.9, "us-china": 0.5}, ("Nvidia", "United States"))),
        (_item("2", "China's open models gain ground",
               "DeepSeek and Qwen release open weights.", "2025-06-20T09:00:00+00:00"),
         _classified({"open-models": 0.8}, ("DeepSeek", "China"))),
    ])  # fmt: skip
    store.save_items(b, [
        (_item("3", "Chip smuggling case",
               "Smugglers moved GPUs through Singapore despite export rules.",
               "2025-05-15T09:00:00+00:00"),
         _classified({"chips": 0.7}, ("Nvidia",))),
        (_item("4", "Markets rattle as AI stocks fall",
               "Nvidia shares fell on chips news.", "2025-07-08T09:00:00+00:00"),
         _classified({"markets": 0.9, "chips": 0.3}, ("Nvidia",))),
    ])  # fmt: skip
    store.save_items(c, [
        (_item("5", "Weather report", "Sunny with a chance of rain at 10:30.",
               "2024-12-01T09:00:00+00:00"), _classified({})),
        (_item("6", "Compute build-out in the Gulf",
               "Data centres and power for AI under export controls.",
               "2025-07-08T10:00:00+00:00"),
         _classified({"compute": 0.8, "sovereignty": 0.4, "chips": 0.3},
                     ("United Arab Emirates",))),
    ])  # fmt: skip
    store.set_user_theme(6, "chips", False)  # the user rejected the classifier's guess
    store.set_read([3, 4, 5])
    store.set_starred([1, 4])
    store.add_tags([1, 6], ["brief"])
    store.add_tags([3], ["Brief", "follow-up"])
    yield store
    store.close()


def ids(store: Store, text: str, base: ItemQuery | None = None) -> set[int]:
    query = parse(text).to_item_query(base or ItemQuery())
    found = {row.id for row in store.list_items(query)}
    assert store.count_items(query) == len(found)
    return found


ALL = {1, 2, 3, 4, 5, 6}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ALL),
        ("export controls", {1, 6}),
        ("control", {1, 6}),  # porter stemming
        ("EXPORT", {1, 3, 6}),
        ('"export controls"', {1, 6}),
        ('"controls export"', set()),
        ("smugg*", {3}),
        ('"export contr"*', {1, 6}),
        ("export -controls", {3}),
        ('-"export controls"', {2, 3, 4, 5}),
        ("-nvidia", {2, 3, 5, 6}),
        ("-nvidia -export", {2, 5}),
        ("-tag:brief -actor:nvidia -theme:markets -china", {5}),
        ("-tag:brief,follow-up -source:substack", {2, 4}),
        ("10:30", {5}),
        ("chips AND weather", set()),
        ("theme:chips", {1, 3, 4}),
        ("theme:CHIPS", {1, 3, 4}),
        ("theme:chips,compute", {1, 3, 4, 6}),
        ("theme:chips theme:markets", {4}),
        ("-theme:markets", {1, 2, 3, 5, 6}),
        ("theme:chips -theme:markets", {1, 3}),
        ("-theme:chips,markets", {2, 5, 6}),
        ("actor:nvidia", {1, 3, 4}),
        ('actor:"united states"', {1}),
        ("actor:Nvidia,DeepSeek", {1, 2, 3, 4}),
        ("actor:nvidia actor:deepseek", set()),
        ("-actor:NVIDIA", {2, 5, 6}),
        ("actor:nvid", set()),
        ("source:chinatalk", {1, 2}),
        ("source:TALK", {1, 2}),
        ("source:substack", {5, 6}),
        ("source:2", {3, 4}),
        ("source:https://www.lawfaremedia.org/feed", {3, 4}),
        ("source:china,lawfare", {1, 2, 3, 4}),
        ("source:china source:talk", {1, 2}),
        ("-source:lawfare", {1, 2, 5, 6}),
        ("source:nowhere", set()),
        ("tag:brief", {1, 3, 6}),
        ("tag:follow-up", {3}),
        ("-tag:brief", {2, 4, 5}),
        ("tag:brief -tag:follow-up", {1, 6}),
        ("is:unread", {1, 2, 6}),
        ("is:read", {3, 4, 5}),
        ("is:starred", {1, 4}),
        ("is:unstarred", {2, 3, 5, 6}),
        ("since:7d", {1, 4, 6}),
        ("since:2025-07", {1, 4, 6}),
        ("before:2025-06", {3, 5}),
        ("since:2025-06 before:2025-07", {2}),
        ("since:2025", {1, 2, 3, 4, 6}),
        ("since:1y", ALL),
        ("-since:30d", {3, 5}),
        ("since:2025-07-08T09:30", {6}),
        ("chips theme:chips actor:Nvidia is:unread since:30d", {1}),
        ("chips since:bogus", {1, 3, 4}),  # "chip" stems alike; the bad value is ignored
        ("weird:thing", set()),
    ],
)
def test_each_filter_narrows_the_store(fixture_store: Store, text: str, expected: set[int]) -> None:
    assert ids(fixture_store, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "export",
        "export -controls",
        "chips theme:chips is:unread",
        "smugg* source:law",
        "theme:chips,compute actor:nvidia tag:brief -tag:x export",
        "is:unread -theme:markets",
        "chips since:2025-06 source:chinatalk,lawfare",
        "export -theme:markets before:2025-07-06 is:unread",
    ],
)
def test_every_plan_finds_the_same_items(fixture_store: Store, text: str) -> None:
    query = parse(text).to_item_query(ItemQuery())
    expected = None
    parts = _where_parts(query, None)
    every_key = frozenset(s.key for s in [*parts.sets, *parts.excluded])
    for driver in [None, "walk", *(s.key for s in parts.sets)]:
        for seek in (frozenset(), every_key):
            where, params = _build_where(query, driver=driver, seek=seek)
            found = fixture_store.conn.execute(
                f"SELECT i.id FROM items i WHERE {where} ORDER BY i.sort_at DESC, i.id DESC",
                params,
            ).fetchall()
            expected = expected or found
            assert found == expected, (driver, seek)
    assert [r.id for r in fixture_store.list_items(query)] == [r[0] for r in expected or []]


def _plan_text(store: Store, query: ItemQuery, driver: str | None) -> str:
    where, params = _build_where(query, driver=driver)
    rows = store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT i.id FROM items i JOIN sources s ON s.id = i.source_id "
        f"WHERE {where} ORDER BY i.sort_at DESC, i.id DESC LIMIT 100",
        params,
    )
    return " | ".join(row[3] for row in rows)


def test_a_driver_is_looked_up_and_walking_uses_sort_at(fixture_store: Store) -> None:
    query = parse("export theme:compute").to_item_query(ItemQuery())
    looked_up = _plan_text(fixture_store, query, "fts")
    assert "SEARCH i USING INTEGER PRIMARY KEY" in looked_up and "TEMP B-TREE" in looked_up
    walked = _plan_text(fixture_store, query, "walk")
    assert "SCAN i USING INDEX idx_items_sort_at" in walked and "TEMP B-TREE" not in walked


def test_the_plan_drives_by_the_smallest_set_or_walks(
    fixture_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    query = parse("export theme:compute").to_item_query(ItemQuery())  # 3 hits and 1
    assert _plan(fixture_store.conn, query, page=True)[0] == "item_themes:0"
    assert _plan(fixture_store.conn, query, page=False)[0] == "item_themes:0"
    assert _plan(fixture_store.conn, ItemQuery(unread=True), page=True) == (None, frozenset())
    monkeypatch.setattr(store_module, "WALK_MIN_ITEMS", 0)  # walk from (√10·6^1.5)^½ ≈ 7
    assert _plan(fixture_store.conn, query, page=True)[0] == "item_themes:0"
    monkeypatch.setattr(store_module, "WALK_FACTOR", 0)
    assert _plan(fixture_store.conn, query, page=True)[0] == "walk"
    assert _plan(fixture_store.conn, query, page=False)[0] == "item_themes:0"
    unread = replace(query, unread=True)  # (√1000·6^1.5)^½ ≈ 22 > 1: no walk
    assert _plan(fixture_store.conn, unread, page=True)[0] == "item_themes:0"
    monkeypatch.setattr(store_module, "WALK_ROW_FACTOR", 0)
    assert _plan(fixture_store.conn, unread, page=True)[0] == "walk"


def test_label_sets_much_larger_than_the_driver_are_probed_by_key(
    fixture_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    query = parse("theme:compute theme:chips,markets -tag:x").to_item_query(ItemQuery())
    assert _plan(fixture_store.conn, query, page=True) == ("item_themes:0", frozenset())
    monkeypatch.setattr(store_module, "SEEK_RATIO", 2)  # 1 item against 5 and 0
    driver, seek = _plan(fixture_store.conn, query, page=True)
    assert (driver, seek) == ("item_themes:0", frozenset({"item_themes:1"}))
    where, _ = _build_where(query, driver=driver, seek=seek)
    assert "EXISTS (SELECT 1 FROM item_themes WHERE item_id = d.id" in where
    assert "+d.id NOT IN (SELECT item_id FROM tags" in where


def test_a_narrow_date_or_source_range_drives_instead_of_a_set(fixture_store: Store) -> None:
    recent = parse("export since:2025-07-08").to_item_query(ItemQuery())  # 3 hits, 2 dated
    assert _plan(fixture_store.conn, recent, page=False)[0] == "walk"
    assert "idx_items_sort_at (sort_at>?)" in _plan_text(fixture_store, recent, "walk")
    hidden = _plan_text(fixture_store, recent, "fts")
    assert "SEARCH i USING INTEGER PRIMARY KEY" in hidden and "sort_at>?" not in hidden
    wide = parse("theme:compute since:2025").to_item_query(ItemQuery())  # 1 item, 5 dated
    assert _plan(fixture_store.conn, wide, page=False)[0] == "item_themes:0"


def test_results_stay_newest_first(fixture_store: Store) -> None:
    rows = fixture_store.list_items(parse("theme:chips,compute").to_item_query(ItemQuery()))
    assert [r.id for r in rows] == [6, 4, 1, 3]


def test_query_merges_with_a_base_panel_filter(fixture_store: Store) -> None:
    assert ids(fixture_store, "theme:chips", ItemQuery(source_id=1)) == {1}
    assert ids(fixture_store, "chips", ItemQuery(theme="markets")) == {4}
    assert ids(fixture_store, "is:read", ItemQuery(unread=True)) == {3, 4, 5}
    assert ids(fixture_store, "export", ItemQuery(search="controls")) == {1, 6}


def test_legacy_item_query_fields_still_work(fixture_store: Store) -> None:
    s = fixture_store
    assert {r.id for r in s.list_items(ItemQuery(theme="chips", unread=True))} == {1}
    assert {r.id for r in s.list_items(ItemQuery(tag="brief", starred=True))} == {1}
    assert {r.id for r in s.list_items(ItemQuery(actor="Nvidia", source_id=2))} == {3, 4}
    assert {r.id for r in s.list_items(ItemQuery(search="export contr*"))} == {1, 6}


def test_empty_values_in_an_item_query_do_not_match_everything(fixture_store: Store) -> None:
    query = ItemQuery(
        source_groups=(("",),),
        tag_groups=((), ("",)),
        exclude_sources=("",),
        exclude_themes=("",),
        terms=(SearchTerm(""), SearchTerm("*")),
        exclude_terms=(SearchTerm("  "),),
    )
    assert fixture_store.count_items(query) == 6


def test_highlight_terms_are_found_in_results(fixture_store: Store) -> None:
    parsed = parse('"export controls" nvidia')
    [row] = fixture_store.list_items(parsed.to_item_query(ItemQuery()))
    assert all(term.lower() in row.title.lower() for term in parsed.highlight_terms())


def test_relative_times_follow_the_clock() -> None:
    later = NOW + timedelta(days=2)
    assert parse_query("since:7d", now=later).since.at == later - timedelta(days=7)  # type: ignore[union-attr]
