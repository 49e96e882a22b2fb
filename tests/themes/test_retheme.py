"""Re-theming writes only what changed, and the worker pool gives the inline result."""

from __future__ import annotations

import pytest

import tui.ingest
from tui.ingest import load_seed_corpus, retheme
from tui.model import Classification, ItemQuery, NewItem, ThemeScore
from tui.store import Store

TEXTS = [
    ("US tightens export controls on Nvidia AI chips to China", "Nvidia H20 chips, TSMC."),
    ("DeepSeek releases open-weight model", "Open source AI model weights from China."),
    ("EU AI Act enters into force", "Regulation of frontier AI models in the European Union."),
    ("Hotel serves street food", "Nothing to do with artificial intelligence at all."),
]


def labels(store: Store) -> list[tuple[int, list[tuple[str, float, str]], list[str]]]:
    rows = store.list_items(ItemQuery(limit=1000))
    return sorted(
        (r.id, sorted((t.id, t.score, t.origin) for t in r.themes), r.actors) for r in rows
    )


def fill(store: Store, copies: int = 6) -> None:
    source_id, _ = store.add_source("https://a.test/feed", "A")
    wrong = Classification((ThemeScore("markets", 0.3),), ("France", "Japan"))
    entries = [
        (NewItem(guid=f"g{n}-{k}", title=title, text=text, content_hash=f"h{n}-{k}"), wrong)
        for k in range(copies)
        for n, (title, text) in enumerate(TEXTS)
    ]
    store.save_items(source_id, entries)


def test_update_rule_classifications_skips_unchanged_items(store: Store) -> None:
    fill(store, copies=1)
    ids = [r.id for r in store.list_items(ItemQuery(limit=10))]
    same = Classification((ThemeScore("markets", 0.3),), ("France", "Japan"))
    reordered = Classification((ThemeScore("markets", 0.3),), ("Japan", "France"))
    assert store.update_rule_classifications([(i, same) for i in ids]) == 0
    assert store.update_rule_classifications([(ids[0], reordered)]) == 1  # actor order shows
    store.set_user_theme(ids[1], "chips", True)
    user_blocked = Classification(
        (ThemeScore("markets", 0.3), ThemeScore("chips", 0.9)), ("France", "Japan")
    )
    assert store.update_rule_classifications([(ids[1], user_blocked)]) == 0  # user row wins
    assert store.update_rule_classifications([(ids[2], Classification())]) == 1


def test_retheme_equals_the_classifier_and_keeps_user_decisions(store: Store) -> None:
    fill(store)
    first = store.list_items(ItemQuery(limit=1))[0]
    store.set_user_theme(first.id, "defense", True)
    assert retheme(store, workers=1) == len(TEXTS) * 6
    lexicon = tui.ingest.load_lexicon()
    for row in store.list_items(ItemQuery(limit=100)):
        detail = store.get_item(row.id)
        assert detail is not None
        expected = lexicon.classify(detail.title, detail.text)
        rule = sorted((t.id, t.score) for t in detail.themes if t.origin == "rule")
        assert rule == sorted((t.id, t.score) for t in expected.themes if t.id != "defense")
        assert detail.actors == list(expected.actors)
    assert ("defense", 1.0, "user") in [
        (t.id, t.score, t.origin)
        for t in store.get_item(first.id).themes  # type: ignore[union-attr]
    ]
    before = store.conn.total_changes
    retheme(store, workers=1)
    assert store.conn.total_changes - before == 1  # only the meta row: nothing re-written


def test_worker_pool_gives_the_inline_result(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    results = []
    for workers in (1, 2):
        with Store.open(tmp_path / f"w{workers}.db") as store:  # type: ignore[operator]
            load_seed_corpus(store)
            fill(store)
            monkeypatch.setattr(tui.ingest, "RETHEME_PARALLEL_MIN", 1)
            assert retheme(store, batch_size=5, workers=workers) == store.count_items()
            results.append([(r[1], r[2]) for r in labels(store)])
    assert results[0] == results[1]
