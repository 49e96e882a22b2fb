"""SCORING_VERSION: a change in the scoring code marks stored scores stale (issue 11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.ingest import lexicon_is_stale, retheme
from tui.store import Store
from tui.themes import lexicon as lexicon_module
from tui.themes import load_lexicon


@pytest.fixture(autouse=True)
def _fresh_cache() -> object:
    lexicon_module._load_cached.cache_clear()
    yield
    lexicon_module._load_cached.cache_clear()


def test_a_scoring_change_makes_the_stored_scores_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(tmp_path / "aigeo.db")
    before = load_lexicon(overlay=None)
    retheme(store, before)
    assert not lexicon_is_stale(store, before)

    monkeypatch.setattr(lexicon_module, "SCORING_VERSION", lexicon_module.SCORING_VERSION + 1)
    lexicon_module._load_cached.cache_clear()
    after = load_lexicon(overlay=None)

    assert after.version != before.version  # same TOML, other scoring code
    assert lexicon_is_stale(store, after)
    retheme(store, after)
    assert not lexicon_is_stale(store, after)
    store.close()
