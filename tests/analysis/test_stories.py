"""Story clusters: rewrites of one story by several outlets become one story, at ingest."""

from __future__ import annotations

import itertools
from pathlib import Path

import sqlite_utils

from tests.support.newsdata import ARTICLES, STORY, Article, by_guid
from tui.analysis.sketches import SAME_STORY, article_sketch, features, jaccard, unpack
from tui.model import Classification, ItemQuery, NewItem
from tui.store import Store
from tui.store.schema import _migrate_v1, _migrate_v2, _migrate_v3, _migrate_v4
from tui.text import content_hash


def new_item(article: Article, **changes: object) -> NewItem:
    fields: dict[str, object] = {
        "guid": article.guid,
        "title": article.title,
        "text": article.text,
        "url": f"https://{article.outlet.lower().replace(' ', '')}.example/{article.guid}",
        "published": article.published,
        "content_hash": content_hash(article.title, article.text),
    } | changes
    return NewItem(**fields)  # type: ignore[arg-type]


def save(store: Store, articles: list[Article]) -> dict[str, int]:
    """Store articles under one source per outlet; returns guid → item id."""
    for outlet, group in itertools.groupby(articles, key=lambda a: a.outlet):
        source_id, _ = store.add_source(f"https://{outlet.lower().replace(' ', '')}.example/feed")
        store.save_items(source_id, [(new_item(a), Classification()) for a in group])
    rows = store.conn.execute("SELECT guid, id FROM items").fetchall()
    return {r[0]: r[1] for r in rows}


def story_of(store: Store, item_id: int) -> int:
    return int(
        store.conn.execute("SELECT cluster_id FROM items WHERE id = ?", (item_id,)).fetchone()[0]
    )


def stories_by_guid(store: Store) -> dict[str, int]:
    rows = store.conn.execute("SELECT guid, cluster_id FROM items").fetchall()
    return {r[0]: r[1] for r in rows}


def test_features_keep_names_numbers_and_headline_words() -> None:
    found = features(by_guid("wire-h20").title, by_guid("wire-h20").text)
    assert {"nvidia", "h20", "5.5", "china", "us", "commerce", "bytedance"} <= set(found)
    assert not {"the", "said", "tuesday", "would"} & set(found)


def test_rewrites_are_similar_and_other_stories_are_not() -> None:
    """The features separate the fixtures: every rewrite pair above the threshold,
    every pair of different stories (several on the same theme) well below it."""
    sketches = {a.guid: article_sketch(a.title, a.text) for a in ARTICLES}
    for a, b in itertools.combinations(ARTICLES, 2):
        sa, sb = sketches[a.guid], sketches[b.guid]
        assert sa is not None and sb is not None
        score = jaccard(unpack(sa[0]), unpack(sb[0]))
        if a.story == b.story:
            assert score >= SAME_STORY, (a.guid, b.guid, score)
        else:
            assert score < SAME_STORY - 0.08, (a.guid, b.guid, score)


def test_every_fixture_story_is_one_cluster_and_no_two_stories_merge() -> None:
    store = Store.memory()
    save(store, sorted(ARTICLES, key=lambda a: a.outlet))
    clusters = stories_by_guid(store)
    expected: dict[str, set[int]] = {}
    for guid, story in STORY.items():
        expected.setdefault(story, set()).add(clusters[guid])
    assert all(len(ids) == 1 for ids in expected.values()), expected
    assert len({next(iter(ids)) for ids in expected.values()}) == len(expected)


def test_two_outlets_versions_cluster_and_same_theme_stories_do_not() -> None:
    store = Store.memory()
    ids = save(store, [by_guid("wire-h20"), by_guid("wire-asml")])
    ids |= save(store, [by_guid("td-nvidia-h20")])
    assert story_of(store, ids["wire-h20"]) == story_of(store, ids["td-nvidia-h20"])
    assert story_of(store, ids["wire-asml"]) != story_of(store, ids["wire-h20"])  # chips too


def test_a_later_third_version_joins_and_becomes_the_head() -> None:
    store = Store.memory()
    ids = save(store, [by_guid("wire-deepseek"), by_guid("mn-r1-selloff")])
    story = story_of(store, ids["wire-deepseek"])
    ids |= save(store, [by_guid("pr-deepseek-sputnik")])  # a day later, another outlet
    assert story_of(store, ids["pr-deepseek-sputnik"]) == story
    heads = store.conn.execute(
        "SELECT guid FROM items WHERE cluster_id = ? AND story_head = 1", (story,)
    ).fetchall()
    assert [r[0] for r in heads] == ["pr-deepseek-sputnik"]  # the newest article
    row = store.conn.execute(
        "SELECT items, sources, first_at, last_at FROM stories WHERE id = ?", (story,)
    ).fetchone()
    assert tuple(row) == (
        3,
        3,
        by_guid("wire-deepseek").published,
        by_guid("pr-deepseek-sputnik").published,
    )


def test_exact_copies_stay_together_even_from_one_source() -> None:
    store = Store.memory()
    a, _ = store.add_source("https://a.example/feed")
    b, _ = store.add_source("https://b.example/feed")
    article = by_guid("et-gpai-code")
    store.save_items(a, [(new_item(article), Classification())])
    store.save_items(b, [(new_item(article, guid="syndicated"), Classification())])
    store.save_items(a, [(new_item(article, guid="again"), Classification())])
    assert len(set(stories_by_guid(store).values())) == 1
    (sources,) = store.conn.execute("SELECT sources FROM stories").fetchone()
    assert sources == 2


def test_one_source_never_clusters_with_itself_by_similarity() -> None:
    """A feed's near-identical items (boilerplate summaries) stay separate stories."""
    store = Store.memory()
    source, _ = store.add_source("https://a.example/feed")
    first, second = by_guid("wire-h20"), by_guid("td-nvidia-h20")
    store.save_items(source, [(new_item(first), Classification())])
    store.save_items(source, [(new_item(second), Classification())])
    assert len(set(stories_by_guid(store).values())) == 2


def test_far_apart_dates_do_not_cluster() -> None:
    store = Store.memory()
    a, _ = store.add_source("https://a.example/feed")
    b, _ = store.add_source("https://b.example/feed")
    store.save_items(a, [(new_item(by_guid("wire-h20")), Classification())])
    later = new_item(by_guid("td-nvidia-h20"), published="2025-05-20T08:00:00+00:00")
    store.save_items(b, [(later, Classification())])
    assert len(set(stories_by_guid(store).values())) == 2


def test_stories_query_lists_heads_with_source_counts() -> None:
    store = Store.memory()
    save(store, sorted(ARTICLES, key=lambda a: a.outlet))
    stories = store.list_items(ItemQuery(stories=True, limit=100))
    assert store.count_items(ItemQuery(stories=True)) == len(stories) == len(set(STORY.values()))
    by_story = {STORY[_guid(store, r.id)]: r for r in stories}
    assert by_story["h20"].story_sources == 3 and by_story["h20"].story_items == 3
    assert by_story["qwen"].story_sources == 1
    assert by_story["h20"].title == by_guid("td-nvidia-h20").title  # the newest version
    every = store.list_items(ItemQuery(limit=100))
    assert len(every) == len(ARTICLES)
    assert all(r.story_id is not None for r in every)
    themed = ItemQuery(stories=True, search="Nvidia")
    assert {_guid(store, r.id) for r in store.list_items(themed)} >= {"td-nvidia-h20"}


def _guid(store: Store, item_id: int) -> str:
    return str(store.conn.execute("SELECT guid FROM items WHERE id = ?", (item_id,)).fetchone()[0])


def test_story_members_and_deleting_a_source_keeps_stories_right() -> None:
    store = Store.memory()
    ids = save(store, sorted(ARTICLES, key=lambda a: a.outlet))
    story = story_of(store, ids["wire-h20"])
    qwen = story_of(store, ids["td-qwen3"])  # Tech Daily's alone
    members = store.story_members(story)
    assert [m.source for m in members] == [
        "https://wire.example/feed",
        "https://asiamarkets.example/feed",
        "https://techdaily.example/feed",
    ]
    tech_daily = store.find_source("https://techdaily.example/feed")
    assert tech_daily is not None
    store.remove_source(tech_daily.id)
    row = store.conn.execute(
        "SELECT items, sources, head_id FROM stories WHERE id = ?", (story,)
    ).fetchone()
    assert (row[0], row[1]) == (2, 2)
    assert row[2] == ids["am-h20-licence"]  # the newest remaining version took over
    assert (
        store.conn.execute(
            "SELECT story_head FROM items WHERE id = ?", (ids["am-h20-licence"],)
        ).fetchone()[0]
        == 1
    )
    assert store.conn.execute("SELECT 1 FROM stories WHERE id = ?", (qwen,)).fetchone() is None


def test_migration_v5_clusters_existing_items(tmp_path: Path) -> None:
    path = tmp_path / "v4.db"
    db = sqlite_utils.Database(path)
    for migrate in (_migrate_v1, _migrate_v2, _migrate_v3, _migrate_v4):
        migrate(db)
    db.execute("PRAGMA user_version = 4")
    for number, article in enumerate(ARTICLES):
        db.execute(
            "INSERT OR IGNORE INTO sources(url, title) VALUES (?, ?)",
            (article.outlet, article.outlet),
        )
        source_id = db.execute(
            "SELECT id FROM sources WHERE url = ?", (article.outlet,)
        ).fetchone()[0]
        db.execute(
            "INSERT INTO items(source_id, guid, title, text, sort_at, story_key) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (source_id, article.guid, article.title, article.text, article.published, f"k{number}"),
        )
    db.conn.commit()
    db.close()
    with Store.open(path) as store:
        assert store.schema_version >= 5
        clusters = stories_by_guid(store)
        assert store.count_items(ItemQuery(stories=True)) == len(set(STORY.values()))
    assert clusters["wire-h20"] == clusters["am-h20-licence"] == clusters["td-nvidia-h20"]
    assert clusters["wire-asml"] != clusters["wire-h20"]


def test_band_index_ignores_hot_buckets() -> None:
    from tui.analysis.sketches import HOT_BUCKET, BandIndex

    index = BandIndex()
    info = (b"", 1, 1, "2025-06-01")
    for item in range(HOT_BUCKET + 10):
        index.add(item, [1], info)  # a band every item shares
    index.add(999, [2], info)
    index.add(999, [2], info)  # twice is harmless
    assert index.candidates([1]) == []
    assert index.candidates([1, 2]) == [999]


def test_a_story_deleted_meanwhile_is_not_joined() -> None:
    """The in-memory index may name a story whose items another process deleted."""
    store = Store.memory()
    ids = save(store, [by_guid("wire-h20")])
    wire = store.find_source("https://wire.example/feed")
    assert wire is not None
    store.remove_source(wire.id)  # deletes the item and its story; the index remembers
    ids = save(store, [by_guid("td-nvidia-h20")])
    story = story_of(store, ids["td-nvidia-h20"])
    row = store.conn.execute("SELECT items, head_id FROM stories WHERE id = ?", (story,)).fetchone()
    assert tuple(row) == (1, ids["td-nvidia-h20"])
