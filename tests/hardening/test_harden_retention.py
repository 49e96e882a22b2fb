"""`[poll] keep_items` caps a feed that rotates its GUIDs; the refresh summary is honest.

A real feed on 127.0.0.1 whose every fetch carries ten brand-new GUIDs, refreshed by
the real engine round after round with the cap on: the feed's item count stops
growing, the items the user marked (starred, tagged, a theme decision) survive any
age, items still in the feed are never deleted, and search, counts and SQLite's own
checks stay consistent. Then a store failure at the very end of a feed's transaction:
the summary must not claim the new items it rolled back.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.support.feedserver import FeedServer, Reply, Seen
from tui.feeds.refresh import refresh_sources
from tui.feeds.refresh_types import PollSettings
from tui.model import ItemQuery
from tui.store import Store

TEXT = "Export controls on advanced chips and the compute race between the US and China. "
KEEP = 15
PER_ROUND = 10


def settings(**overrides: object) -> PollSettings:
    return PollSettings(trust_env=False, jitter=0.0, deadline_s=10.0, **overrides)  # type: ignore[arg-type]


class RotatingFeed:
    """Every fetch: ten new GUIDs (round number in them), each item's words unique."""

    def __init__(self, server: FeedServer) -> None:
        self.round = 0
        self.url = server.route("/rotating", self.answer)

    def answer(self, _seen: Seen) -> Reply:
        """Later rounds are newer: round r's items are dated day r+1, hour k."""
        items = "".join(
            f"<item><guid>r{self.round}-{k}</guid><title>Round {self.round} item {k}</title>"
            f"<pubDate>{self.round + 1:02d} Jun 2025 {k:02d}:00:00 GMT</pubDate>"
            f"<description>{TEXT} marker{self.round}x{k}</description></item>"
            for k in range(PER_ROUND)
        )
        return Reply(
            body=f'<rss version="2.0"><channel><title>R</title>{items}</channel></rss>'.encode()
        )


def test_keep_items_caps_a_rotating_feed_and_spares_what_the_user_marked(
    db_path: Path, feed_server: FeedServer
) -> None:
    feed = RotatingFeed(feed_server)
    with Store.open(db_path) as store:
        source_id = store.add_source(feed.url)[0]
    marked: dict[str, int] = {}
    for round_ in range(6):
        feed.round = round_
        (result,) = refresh_sources(db_path, [source_id], settings(keep_items=KEEP)).results
        assert result.ok and result.new_items == PER_ROUND, result
        with Store.open(db_path) as store:
            count = store.count_items(ItemQuery(source_id=source_id))
            current = {r.title for r in store.list_items(ItemQuery(source_id=source_id, limit=500))}
            assert {f"Round {round_} item {k}" for k in range(PER_ROUND)} <= current
            if round_ == 0:  # mark three of the first round's items, one way each
                ids = store.item_ids(ItemQuery(source_id=source_id))
                marked = {"starred": ids[0], "tagged": ids[1], "decided": ids[2]}
                store.set_starred([marked["starred"]])
                store.add_tags([marked["tagged"]], ["keep"])
                store.set_user_theme(marked["decided"], "chips", False)
        assert count <= KEEP + len(marked), (round_, count)
        if round_ >= 2:
            assert result.removed_items > 0
    with Store.open(db_path) as store:
        assert store.count_items(ItemQuery(source_id=source_id)) == KEEP + len(marked)
        for item_id in marked.values():
            assert store.get_item(item_id) is not None
        assert store.item_ids(ItemQuery(search="marker1x5")) == []  # deleted, and unindexed
        assert len(store.item_ids(ItemQuery(search="marker5x5"))) == 1
        counts = {row.source.id: row.total for row in store.source_summaries()}
        assert counts[source_id] == KEEP + len(marked)  # the panel's cached count agrees
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.execute("INSERT INTO items_fts(items_fts) VALUES ('integrity-check')")
        orphans = conn.execute(
            "SELECT count(*) FROM item_themes WHERE item_id NOT IN (SELECT id FROM items)"
        ).fetchone()[0]
        assert orphans == 0
    finally:
        conn.close()


def test_without_the_cap_nothing_is_deleted(db_path: Path, feed_server: FeedServer) -> None:
    feed = RotatingFeed(feed_server)
    with Store.open(db_path) as store:
        source_id = store.add_source(feed.url)[0]
    for round_ in range(3):
        feed.round = round_
        refresh_sources(db_path, [source_id], settings())
    with Store.open(db_path) as store:
        assert store.count_items(ItemQuery(source_id=source_id)) == 3 * PER_ROUND


def test_keep_items_from_config() -> None:
    parsed, problems = PollSettings.from_mapping({"keep_items": 200})
    assert parsed.keep_items == 200 and problems == []
    _, problems = PollSettings.from_mapping({"keep_items": -1})
    assert problems


def test_the_summary_never_claims_items_that_were_rolled_back(
    db_path: Path, feed_server: FeedServer
) -> None:
    feed = RotatingFeed(feed_server)
    with Store.open(db_path) as store:
        source_id = store.add_source(feed.url)[0]
        # The last write of the feed's transaction fails (as a full disk or a broken
        # database would): everything before it in that transaction is rolled back.
        store.conn.execute(
            "CREATE TRIGGER fail_at_the_end AFTER UPDATE OF next_check_at ON sources "
            "BEGIN SELECT RAISE(ABORT, 'the disk said no'); END"
        )
    summary = refresh_sources(db_path, [source_id], settings())
    (result,) = summary.results
    assert result.outcome == "error" and "the disk said no" in (result.error or "")
    assert result.new_items == 0 and summary.new_items == 0
    with Store.open(db_path) as store:
        assert store.count_items(ItemQuery(source_id=source_id)) == 0
