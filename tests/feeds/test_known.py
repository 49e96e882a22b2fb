"""Entries stored unchanged are not classified again (issue #12, tui.feeds.known).

Real parts throughout: feed bytes through `parse_and_classify` (the worker function) with
the shipped lexicon, a real store on disk, and the poller against a local HTTP server.
The lexicon is counted, not replaced: `Lexicon.classify` is wrapped and still runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.feedserver import FeedServer, Reply, rss
from tui.feeds.known import classify_late, entry_key, is_known, known_entries
from tui.feeds.refresh import refresh_sources
from tui.feeds.refresh_types import PollSettings
from tui.feeds.workers import ParseJob, ParseOutcome, parse_and_classify
from tui.ingest import LEXICON_META_KEY, lexicon_is_stale, retheme
from tui.model import ItemQuery, NewItem
from tui.store import Store
from tui.store.retention import prune_source
from tui.themes import load_lexicon
from tui.themes.lexicon import Lexicon

URL = "https://example.org/feed"
CHIPS = (
    "The US Commerce Department tightened export controls on advanced semiconductors to "
    "China; Nvidia H20 chips are affected, TSMC said. "
) * 2
FABS = "Huawei and SMIC expand chip fabrication in Shenzhen amid sanctions. " * 3
TALKS = "Trade talks between Washington and Beijing resumed on tariffs, AI and rare earths. " * 3

FIRST = [("g1", "Chips rules", CHIPS), ("g2", "New fabs", FABS), ("g3", "Talks", TALKS)]


@pytest.fixture
def classified_titles(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The titles the lexicon classifies in this process, in order (it still runs)."""
    seen: list[str] = []
    original = Lexicon.classify

    def counting(self: Lexicon, title: str, text: str) -> object:
        seen.append(title)
        return original(self, title, text)

    monkeypatch.setattr(Lexicon, "classify", counting)
    yield seen


def ingest(store: Store, source_id: int, body: bytes) -> ParseOutcome:
    """What the poller does with a 200: stored entries into the job, parse, store."""
    known = known_entries(store, source_id, 500)
    outcome = parse_and_classify(ParseJob(body, URL, known=known))
    assert outcome.error is None
    store.record_refresh(
        source_id,
        entries=outcome.entries,
        classify=classify_late,
        status=200,
        nbytes=len(body),
        duration_ms=0,
        error=None,
    )
    return outcome


def labels(store: Store) -> dict[str, tuple[list[tuple[str, float, str]], list[str]]]:
    """guid → (theme rows, actor rows) as stored, in row order."""
    ids = {r[0]: r[1] for r in store.conn.execute("SELECT id, guid FROM items")}
    found: dict[str, tuple[list[tuple[str, float, str]], list[str]]] = {
        guid: ([], []) for guid in ids.values()
    }
    for item_id, theme, score, origin in store.conn.execute(
        "SELECT item_id, theme, score, origin FROM item_themes ORDER BY rowid"
    ):
        found[ids[item_id]][0].append((theme, score, origin))
    for item_id, actor in store.conn.execute(
        "SELECT item_id, actor FROM item_actors ORDER BY rowid"
    ):
        found[ids[item_id]][1].append(actor)
    return found


def item_id(store: Store, guid: str) -> int:
    return int(store.conn.execute("SELECT id FROM items WHERE guid = ?", (guid,)).fetchone()[0])


def test_only_new_and_edited_entries_are_classified_again(
    db_path: Path, classified_titles: list[str]
) -> None:
    with Store.open(db_path) as store:
        with store.write():
            sid = store.add_source(URL)[0]
        first = ingest(store, sid, rss(FIRST))
        assert first.classified == 3 and classified_titles == ["Chips rules", "New fabs", "Talks"]
        before = labels(store)
        assert before["g1"][0] and before["g1"][1] and before["g2"][1]  # themes and actors

        # The user's decisions on g2: read, starred, a tag, a rejected and an added theme.
        g2 = item_id(store, "g2")
        store.set_read([g2])
        store.set_starred([g2])
        store.add_tags([g2], ["keep"])
        store.set_user_theme(g2, "chips", False)
        store.set_user_theme(g2, "us-china", True)
        decided = labels(store)["g2"]
        rows_before = store.conn.execute("SELECT * FROM items ORDER BY id").fetchall()

        classified_titles.clear()
        again = ingest(store, sid, rss(FIRST))  # the same content, answered 200
        assert again.classified == 0 and classified_titles == []
        assert [c for _, c in again.entries] == [None, None, None]
        assert store.conn.execute("SELECT * FROM items ORDER BY id").fetchall() == rows_before
        assert labels(store) == {**before, "g2": decided}

        edited = [("g1", "Chips rules", CHIPS + " Huawei answered."), *FIRST[1:]]
        edited.append(("g4", "Rare earths", TALKS + " Export controls on gallium."))
        classified_titles.clear()
        third = ingest(store, sid, rss(edited))
        assert third.classified == 2 and classified_titles == ["Chips rules", "Rare earths"]
        after = labels(store)
        assert after["g2"] == decided and after["g3"] == before["g3"]
        assert after["g1"] != before["g1"] and "Huawei" in after["g1"][1]
        g4 = item_id(store, "g4")
        new = load_lexicon().classify("Rare earths", store.item_texts([g4])[g4][1])
        assert after["g4"] == ([(t.id, t.score, "rule") for t in new.themes], list(new.actors))
        assert_kept(store, sid, g2)

        # g2 itself changes: it is classified again, and the user's decisions stay.
        edited[1] = ("g2", "New fabs", FABS + " Nvidia and TSMC watch.")
        classified_titles.clear()
        fourth = ingest(store, sid, rss(edited))
        assert fourth.classified == 1 and classified_titles == ["New fabs"]
        latest = labels(store)
        others = ("g1", "g3", "g4")
        assert {g: latest[g] for g in others} == {g: after[g] for g in others}
        assert "Nvidia" in latest["g2"][1] and "Nvidia" not in decided[1]
        user_rows = [row for row in latest["g2"][0] if row[2] == "user"]
        assert user_rows == [row for row in decided[0] if row[2] == "user"] and user_rows
        assert_kept(store, sid, g2)


def assert_kept(store: Store, source_id: int, g2: int) -> None:
    """g2 keeps what the user did to it."""
    (kept,) = [i for i in store.list_items(ItemQuery(source_id=source_id)) if i.id == g2]
    assert kept.read and kept.starred and kept.tags == ["keep"]
    assert store.user_theme_decisions(g2) == {"chips": False, "us-china": True}


MINI_LEXICON = """
[ai_context]
"AI" = { weight = 3.0, case = true }

[[themes]]
id = "talks"
name = "Talks"
[themes.phrases]
"trade talks" = 4.0
"""


def test_a_new_lexicon_still_rethemes_entries_a_refresh_skipped(
    db_path: Path, tmp_path: Path
) -> None:
    """Skipping leaves the lexicon version alone: re-theming (the upgrade path) still
    finds the store stale and re-scores every item, user decisions kept."""
    with Store.open(db_path) as store:
        with store.write():
            sid = store.add_source(URL)[0]
        ingest(store, sid, rss(FIRST))
        store.set_meta(LEXICON_META_KEY, load_lexicon().version)
        g2 = item_id(store, "g2")
        store.set_user_theme(g2, "chips", True)
        assert ingest(store, sid, rss(FIRST)).classified == 0
        path = tmp_path / "themes.toml"
        path.write_text(MINI_LEXICON)
        upgraded = load_lexicon(path, None)
        assert lexicon_is_stale(store, upgraded)
        assert retheme(store, upgraded) == 3
        themes = {g: [(t, o) for t, _, o in rows] for g, (rows, _) in labels(store).items()}
        assert themes == {"g1": [], "g2": [("chips", "user")], "g3": [("talks", "rule")]}
        assert not lexicon_is_stale(store, upgraded)


def test_a_case_only_title_change_is_not_taken_for_unchanged(db_path: Path) -> None:
    """The content hash folds case; the store also compares titles, and so does the key."""
    with Store.open(db_path) as store:
        with store.write():
            sid = store.add_source(URL)[0]
        ingest(store, sid, rss(FIRST))
        recased = [("g1", "CHIPS RULES", CHIPS), *FIRST[1:]]
        outcome = ingest(store, sid, rss(recased))
        assert outcome.classified == 1 and outcome.entries[0][1] is not None
        title = store.conn.execute("SELECT title FROM items WHERE guid = 'g1'").fetchone()[0]
        assert title == "CHIPS RULES"


def test_is_known_needs_the_same_guid_hash_and_title() -> None:
    item = NewItem(guid="g", title="T", text="x", content_hash="h")
    assert is_known({"g": entry_key("h", "T")}, item)
    assert not is_known({"g": entry_key("h", "t")}, item)
    assert not is_known({"g": entry_key("other", "T")}, item)
    assert not is_known({"other": entry_key("h", "T")}, item)
    assert not is_known(None, item) and not is_known({}, item)


def test_a_skipped_entry_the_store_lost_meanwhile_is_classified_late(db_path: Path) -> None:
    """Between reading the known entries and the write, another process pruned one (its
    retention, with a document that no longer held it): the store inserts it again,
    themed by `classify_late`, never unthemed."""
    with Store.open(db_path) as store:
        with store.write():
            sid = store.add_source(URL)[0]
        ingest(store, sid, rss(FIRST))
        before = labels(store)["g1"]
        outcome = parse_and_classify(ParseJob(rss(FIRST), URL, known=known_entries(store, sid, 9)))
        assert outcome.classified == 0
        with store.write():
            assert prune_source(store.conn, sid, 2, ["g2", "g3"]) == 1
        with pytest.raises(ValueError, match="unclassified"):
            store.save_items(sid, outcome.entries)  # no fallback: nothing is written
        assert labels(store).keys() == {"g2", "g3"}
        saved = store.save_items(sid, outcome.entries, classify=classify_late)
        assert len(saved.new_ids) == 1 and saved.unchanged == 2
        assert labels(store)["g1"] == before


def test_the_poller_classifies_only_what_changed(db_path: Path, feed_server: FeedServer) -> None:
    """Through the worker processes: a 200 with one new entry classifies that one."""
    url = feed_server.route("/feed", Reply(body=rss(FIRST)))
    with Store.open(db_path) as store:
        sid = store.add_source(url)[0]
    settings = PollSettings(trust_env=False, jitter=0.0, deadline_s=5.0, parse_deadline_s=20.0)
    (first,) = refresh_sources(db_path, None, settings).results
    assert first.new_items == 3 and first.classified == 3
    with Store.open(db_path) as store:
        before = labels(store)
    feed_server.route("/feed", Reply(body=rss([*FIRST, ("g4", "Rare earths", TALKS)])))
    (second,) = refresh_sources(db_path, None, settings).results
    assert second.outcome == "updated" and second.new_items == 1 and second.classified == 1
    with Store.open(db_path) as store:
        after = labels(store)
        assert {g: after[g] for g in ("g1", "g2", "g3")} == before
        assert store.count_items(ItemQuery(source_id=sid)) == 4
