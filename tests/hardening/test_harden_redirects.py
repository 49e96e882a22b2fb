"""Redirect semantics (RFC 9110): only an all-permanent chain moves a feed's stored URL.

Each chain shape is served by a real HTTP server on 127.0.0.1 and fetched by a real
`refresh_sources`; the stored source URL is then read back from the database.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.feedserver import FeedServer, Reply, rss
from tui.feeds.refresh import refresh_sources
from tui.feeds.refresh_types import PollSettings
from tui.store import Store

FEED = rss([("g1", "Chips", "Export controls on advanced chips and compute. " * 4)])


def chain(server: FeedServer, statuses: list[int]) -> tuple[str, str]:
    """Routes /h0 → /h1 → … with the given redirect statuses, ending in a feed.

    Returns (first URL, final URL)."""
    for n, status in enumerate(statuses):
        server.route(f"/h{n}", Reply(status, headers={"Location": f"/h{n + 1}"}))
    final = server.route(f"/h{len(statuses)}", Reply(body=FEED))
    return server.url("/h0"), final


def refresh_one(db_path: Path, url: str, **overrides: object) -> tuple[object, str]:
    with Store.open(db_path) as store:
        source_id = store.add_source(url)[0]
    settings = PollSettings(trust_env=False, jitter=0.0, deadline_s=10.0, **overrides)  # type: ignore[arg-type]
    (result,) = refresh_sources(db_path, [source_id], settings).results
    with Store.open(db_path) as store:
        stored = store.get_source(source_id)
    assert stored is not None
    return result, stored.url


@pytest.mark.parametrize(
    ("statuses", "moves"),
    [
        ([301], True),
        ([308], True),
        ([301, 308], True),
        ([308, 308], True),
        ([301, 302], False),
        ([302, 301], False),
        ([301, 307], False),
        ([307, 308], False),
        ([303], False),
        ([301, 301, 303], False),
    ],
    ids=lambda v: "-".join(map(str, v)) if isinstance(v, list) else ("moves" if v else "stays"),
)
def test_only_an_all_permanent_chain_moves_the_url(
    db_path: Path, feed_server: FeedServer, statuses: list[int], moves: bool
) -> None:
    first, final = chain(feed_server, statuses)
    result, stored = refresh_one(db_path, first)
    assert result.ok  # type: ignore[attr-defined]
    assert stored == (final if moves else first)
    assert result.moved_to == (final if moves else None)  # type: ignore[attr-defined]


def test_a_permanent_loop_is_an_error_and_moves_nothing(
    db_path: Path, feed_server: FeedServer
) -> None:
    feed_server.route("/a", Reply(301, headers={"Location": "/b"}))
    feed_server.route("/b", Reply(308, headers={"Location": "/a"}))
    result, stored = refresh_one(db_path, feed_server.url("/a"))
    assert not result.ok and "loop" in (result.error or "")  # type: ignore[attr-defined]
    assert stored == feed_server.url("/a")


def test_a_permanent_chain_past_the_cap_is_an_error_and_moves_nothing(
    db_path: Path, feed_server: FeedServer
) -> None:
    first, _final = chain(feed_server, [301] * 6)
    result, stored = refresh_one(db_path, first, max_redirects=3)
    assert "too many redirects" in (result.error or "")  # type: ignore[attr-defined]
    assert stored == first
    assert len(feed_server.requests) == 4  # the first request and three redirects, no more
