"""The refresh engine against a real HTTP server on 127.0.0.1 (no mocks of httpx)."""

from __future__ import annotations

import gzip
import socket
import subprocess
import sys
import textwrap
import threading
import tracemalloc
import zlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from tests.support.feedserver import FeedServer, Reply, Seen, rss
from tests.support.parsehooks import HANG_MARKER, exploding_parse, hanging_parse, slow_parse
from tui.feeds.intake import intake_limit
from tui.feeds.refresh import refresh_sources
from tui.feeds.refresh_types import FeedResult, PollSettings
from tui.feeds.schedule import parse_time
from tui.feeds.workers import parse_and_classify
from tui.model import ItemQuery
from tui.store import Store

LONG = "A sufficiently long article body about export controls on advanced chips. " * 3


def settings(**overrides: object) -> PollSettings:
    """Test settings: no proxies from the environment, no jitter, short deadlines."""
    base: dict[str, object] = {
        "trust_env": False,
        "jitter": 0.0,
        "deadline_s": 5.0,
        "parse_deadline_s": 20.0,
    }
    return PollSettings(**(base | overrides))  # type: ignore[arg-type]


def add(db_path: Path, url: str, title: str | None = None) -> int:
    with Store.open(db_path) as store:
        return store.add_source(url, title)[0]


def refresh(db_path: Path, ids: list[int] | None = None, parser=parse_and_classify, **kw: object):
    return refresh_sources(db_path, ids, settings(**kw), parser=parser)


def source(db_path: Path, source_id: int):
    with Store.open(db_path) as store:
        found = store.get_source(source_id)
        assert found is not None
        return found


def items(db_path: Path, source_id: int) -> list:
    with Store.open(db_path) as store:
        return store.list_items(ItemQuery(source_id=source_id, limit=1000))


def fetch_rows(db_path: Path, source_id: int) -> list[dict]:
    with Store.open(db_path) as store:
        return store.fetches(source_id)


def seconds_until(iso: str | None) -> float:
    assert iso is not None
    when = parse_time(iso)
    assert when is not None
    return (when - datetime.now(UTC)).total_seconds()


FEED = rss([("g1", "First", LONG), ("g2", "Second", "short text")])


# --------------------------------------------------------------------------- the basics


def test_200_stores_items_with_a_polite_request(db_path: Path, feed_server: FeedServer) -> None:
    sid = add(db_path, feed_server.route("/feed", Reply(body=FEED)))
    summary = refresh(db_path)
    (result,) = summary.results
    assert result.outcome == "updated" and result.ok and result.new_items == 2
    assert {i.title for i in items(db_path, sid)} == {"First", "Second"}
    (hit,) = feed_server.hits("/feed")
    assert hit.headers["user-agent"].startswith("aigeo/")
    assert "(+terminal feed reader)" in hit.headers["user-agent"]
    assert "gzip" in hit.headers["accept-encoding"]
    src = source(db_path, sid)
    assert src.title == "Test feed"  # the feed's own title replaces the URL placeholder
    assert src.status == 200 and src.ok_at and src.error is None and src.error_count == 0
    assert 25 * 60 < seconds_until(src.next_check_at) <= 24 * 3600
    (row,) = fetch_rows(db_path, sid)
    assert row["status"] == 200 and row["new_items"] == 2 and row["bytes"] > len(FEED)


def test_304_with_etag(db_path: Path, feed_server: FeedServer) -> None:
    sid = add(db_path, feed_server.route("/feed", Reply(body=FEED, etag='"v1"')))
    refresh(db_path)
    summary = refresh(db_path, parser=exploding_parse)
    assert summary.results[0].outcome == "not_modified"
    first, second = feed_server.hits("/feed")
    assert "if-none-match" not in first.headers
    assert second.headers["if-none-match"] == '"v1"'
    assert source(db_path, sid).etag == '"v1"'
    assert [r["status"] for r in fetch_rows(db_path, sid)] == [304, 200]
    assert len(items(db_path, sid)) == 2


def test_304_with_last_modified(db_path: Path, feed_server: FeedServer) -> None:
    stamp = "Wed, 09 Jul 2025 10:00:00 GMT"
    add(db_path, feed_server.route("/feed", Reply(body=FEED, last_modified=stamp)))
    refresh(db_path)
    summary = refresh(db_path, parser=exploding_parse)
    assert summary.results[0].outcome == "not_modified"
    assert feed_server.hits("/feed")[1].headers["if-modified-since"] == stamp


def test_gzip_body(db_path: Path, feed_server: FeedServer) -> None:
    sid = add(db_path, feed_server.route("/feed", Reply(body=FEED, gzip=True)))
    (result,) = refresh(db_path).results
    assert result.outcome == "updated" and result.new_items == 2
    assert result.nbytes < len(FEED)  # what went over the wire was compressed
    assert len(items(db_path, sid)) == 2


def test_identical_body_is_not_parsed_again(db_path: Path, feed_server: FeedServer) -> None:
    sid = add(db_path, feed_server.route("/feed", Reply(body=FEED)))  # no validators
    refresh(db_path)
    (result,) = refresh(db_path, parser=exploding_parse).results
    assert result.outcome == "unchanged" and not result.parsed and result.error is None
    assert source(db_path, sid).error_count == 0


def test_progress_callback_reports_every_source(db_path: Path, feed_server: FeedServer) -> None:
    for n in range(5):
        add(db_path, feed_server.route(f"/f{n}", Reply(body=rss([(f"x{n}", "t", "x")]))))
    seen: list[tuple[int, int, FeedResult]] = []
    refresh_sources(db_path, settings=settings(), on_progress=lambda *a: seen.append(a))
    assert [d for d, _, _ in seen] == [1, 2, 3, 4, 5]
    assert {t for _, t, _ in seen} == {5}
    assert all(r.ok for _, _, r in seen)


# --------------------------------------------------------------------------- redirects


@pytest.mark.parametrize("status", [301, 308])
def test_permanent_redirect_updates_the_url(
    db_path: Path, feed_server: FeedServer, status: int
) -> None:
    new_url = feed_server.route("/new", Reply(body=FEED))
    sid = add(db_path, feed_server.route("/old", Reply(status, headers={"Location": "/new"})))
    (result,) = refresh(db_path).results
    assert result.ok and result.moved_to == new_url
    assert source(db_path, sid).url == new_url
    refresh(db_path)
    assert len(feed_server.hits("/old")) == 1  # the second refresh went straight to /new


def test_temporary_redirect_keeps_the_url(db_path: Path, feed_server: FeedServer) -> None:
    feed_server.route("/new", Reply(body=FEED))
    old = feed_server.route("/old", Reply(302, headers={"Location": "/new"}))
    sid = add(db_path, old)
    (result,) = refresh(db_path).results
    assert result.ok and result.moved_to is None
    assert source(db_path, sid).url == old


def test_redirect_chain_with_a_temporary_hop_keeps_the_url(
    db_path: Path, feed_server: FeedServer
) -> None:
    feed_server.route("/c", Reply(body=FEED))
    feed_server.route("/b", Reply(301, headers={"Location": "/c"}))
    old = feed_server.route("/a", Reply(302, headers={"Location": "/b"}))
    sid = add(db_path, old)
    assert refresh(db_path).results[0].ok
    assert source(db_path, sid).url == old


def test_redirect_loop(db_path: Path, feed_server: FeedServer) -> None:
    feed_server.route("/a", Reply(302, headers={"Location": "/b"}))
    sid = add(db_path, feed_server.route("/b", Reply(302, headers={"Location": "/a"})))
    (result,) = refresh(db_path).results
    assert result.outcome == "error" and "loop" in (result.error or "")
    assert source(db_path, sid).error_count == 1


def test_too_many_redirects(db_path: Path, feed_server: FeedServer) -> None:
    for n in range(10):
        feed_server.route(f"/r{n}", Reply(307, headers={"Location": f"/r{n + 1}"}))
    add(db_path, feed_server.url("/r0"))
    (result,) = refresh(db_path, max_redirects=3).results
    assert "too many redirects" in (result.error or "")
    assert len(feed_server.requests) == 4


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/feed", "exec:ls"])
def test_redirect_to_a_non_http_scheme_is_refused(
    db_path: Path, feed_server: FeedServer, target: str
) -> None:
    sid = add(db_path, feed_server.route("/feed", Reply(301, headers={"Location": target})))
    (result,) = refresh(db_path).results
    assert result.outcome == "error" and "redirect refused" in (result.error or "")
    assert source(db_path, sid).url == feed_server.url("/feed")


# --------------------------------------------------------------------------- errors


def test_404_is_an_error_on_the_row_and_others_go_on(
    db_path: Path, feed_server: FeedServer
) -> None:
    bad = add(db_path, feed_server.url("/missing"))
    good = add(db_path, feed_server.route("/feed", Reply(body=FEED)))
    summary = refresh(db_path)
    assert summary.ok == 1 and summary.failed == 1 and not summary.all_failed
    src = source(db_path, bad)
    assert src.status == 404 and src.error == "HTTP 404 Not Found" and src.error_count == 1
    assert not src.disabled
    assert len(items(db_path, good)) == 2


def test_410_disables_with_a_visible_reason(db_path: Path, feed_server: FeedServer) -> None:
    sid = add(db_path, feed_server.route("/gone", Reply(410)))
    (result,) = refresh(db_path).results
    assert result.outcome == "gone"
    src = source(db_path, sid)
    assert src.disabled and "410" in (src.disabled_reason or "")
    summary = refresh(db_path)  # a plain refresh leaves a disabled source alone
    assert summary.total == 0 and len(feed_server.hits("/gone")) == 1
    feed_server.route("/gone", Reply(body=FEED))  # the publisher brings it back
    (result,) = refresh(db_path, [sid]).results  # asked for by id: tried again
    assert result.ok and not source(db_path, sid).disabled


def test_500_backs_off_exponentially_and_never_gives_up(
    db_path: Path, feed_server: FeedServer
) -> None:
    sid = add(db_path, feed_server.route("/feed", Reply(500)))
    waits = []
    for _ in range(4):
        refresh(db_path)
        waits.append(seconds_until(source(db_path, sid).next_check_at))
    assert waits[0] == pytest.approx(300, abs=5)
    assert waits[1] == pytest.approx(600, abs=5)
    assert waits[3] == pytest.approx(2400, abs=5)
    with Store.open(db_path) as store:
        store.update_source(sid, error_count=40)
    refresh(db_path)
    src = source(db_path, sid)
    assert seconds_until(src.next_check_at) == pytest.approx(86400, abs=5)  # capped at a day
    assert not src.disabled and src.error_count == 41


@pytest.mark.parametrize("form", ["seconds", "http-date"])
def test_429_retry_after_is_honoured(db_path: Path, feed_server: FeedServer, form: str) -> None:
    later = datetime.now(UTC) + timedelta(hours=2)
    value = "7200" if form == "seconds" else format_datetime(later, usegmt=True)
    sid = add(db_path, feed_server.route("/feed", Reply(429, headers={"Retry-After": value})))
    (result,) = refresh(db_path).results
    assert result.outcome == "error" and result.status == 429
    assert seconds_until(source(db_path, sid).next_check_at) == pytest.approx(7200, abs=10)
    (again,) = refresh(db_path).results  # the server asked us to wait: we do
    assert again.outcome == "skipped" and len(feed_server.hits("/feed")) == 1


def test_503_retry_after_date(db_path: Path, feed_server: FeedServer) -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(hours=3), usegmt=True)
    sid = add(db_path, feed_server.route("/feed", Reply(503, headers={"Retry-After": later})))
    refresh(db_path)
    assert seconds_until(source(db_path, sid).next_check_at) == pytest.approx(3 * 3600, abs=10)


def test_timeout_by_drip(db_path: Path, feed_server: FeedServer) -> None:
    sid = add(db_path, feed_server.route("/drip", Reply(body=FEED, drip=0.2)))
    assert len(FEED) * 0.2 > 30  # the whole drip would take far longer than the deadline
    (result,) = refresh(db_path, deadline_s=1.0).results
    # The product's own deadline cut the fetch: its error says so (no wall-clock check).
    assert result.outcome == "error" and "timed out" in (result.error or "")
    assert source(db_path, sid).error_count == 1


def test_oversize_body(db_path: Path, feed_server: FeedServer) -> None:
    big = rss([(f"g{n}", "title", "x" * 1000) for n in range(100)])
    add(db_path, feed_server.route("/big", Reply(body=big)))
    add(db_path, feed_server.route("/bigz", Reply(body=big, gzip=True)))
    results = refresh(db_path, max_bytes=20_000).results
    assert [r.outcome for r in results] == ["error", "error"]
    assert all("too large" in (r.error or "") or "larger" in (r.error or "") for r in results)


def _bomb(decompressed_mb: int) -> bytes:
    """A gzip stream of zeros: tiny on the wire, huge when inflated."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    return b"".join(packer.compress(block) for _ in range(decompressed_mb)) + packer.flush()


@pytest.mark.parametrize("nested", [False, True])
def test_gzip_bomb_keeps_memory_bounded(
    db_path: Path, feed_server: FeedServer, nested: bool
) -> None:
    bomb = _bomb(256)
    encoding = "gzip"
    if nested:  # gzip inside gzip: 256 MiB behind ~1 KiB
        bomb, encoding = gzip.compress(bomb), "gzip, gzip"
    add(
        db_path,
        feed_server.route("/bomb", Reply(body=bomb, headers={"Content-Encoding": encoding})),
    )
    cap = 2 * 1024 * 1024
    tracemalloc.start()
    try:
        (result,) = refresh(db_path, max_bytes=cap).results
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.outcome == "error" and "larger than" in (result.error or "")
    assert peak < 4 * cap  # the cap plus bounded steps, never the 256 MiB


def test_unparseable_body_is_an_error_and_parsed_again_next_time(
    db_path: Path, feed_server: FeedServer
) -> None:
    sid = add(db_path, feed_server.route("/page", Reply(body=b"<html><body>hi</body></html>")))
    (result,) = refresh(db_path).results
    assert result.outcome == "error" and result.parsed
    assert source(db_path, sid).body_hash is None


def test_connection_refused(db_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sid = add(db_path, f"http://127.0.0.1:{port}/feed")
    (result,) = refresh(db_path).results
    assert result.outcome == "error" and result.status is None
    assert "cannot connect" in (result.error or "")
    assert source(db_path, sid).error_count == 1


# --------------------------------------------------------------------------- items and user state


def test_changed_feed_adds_items_and_keeps_user_state(
    db_path: Path, feed_server: FeedServer
) -> None:
    sid = add(db_path, feed_server.route("/feed", Reply(body=FEED)))
    refresh(db_path)
    first = next(i for i in items(db_path, sid) if i.title == "First")
    with Store.open(db_path) as store:
        store.set_read([first.id])
        store.set_starred([first.id])
        store.add_tags([first.id], ["watch"])
        store.set_user_theme(first.id, "chips", True)
    changed = rss(
        [("g0", "Zeroth", "brand new"), ("g1", "First", LONG + " Updated."), ("g2", "Second", "x")]
    )
    feed_server.route("/feed", Reply(body=changed))
    (result,) = refresh(db_path).results
    assert result.new_items == 1 and result.updated_items >= 1
    after = {i.title: i for i in items(db_path, sid)}
    assert set(after) == {"Zeroth", "First", "Second"}
    kept = after["First"]
    assert kept.id == first.id and kept.read and kept.starred and kept.tags == ["watch"]
    with Store.open(db_path) as store:
        assert store.user_theme_decisions(first.id) == {"chips": True}
        detail = store.get_item(first.id)
        assert detail is not None and "Updated." in detail.text


def test_failure_never_touches_stored_items(db_path: Path, feed_server: FeedServer) -> None:
    sid = add(db_path, feed_server.route("/feed", Reply(body=FEED)))
    refresh(db_path)
    before = items(db_path, sid)
    with Store.open(db_path) as store:
        store.set_read([before[0].id])
    for reply in (Reply(500), Reply(body=b"not a feed at all"), Reply(410)):
        feed_server.route("/feed", reply)
        refresh(db_path, [sid])
    after = items(db_path, sid)
    assert [(i.id, i.title, i.read) for i in after] == [
        (i.id, i.title, i.id == before[0].id) for i in before
    ]


def test_same_story_in_two_feeds_shares_a_story_key(db_path: Path, feed_server: FeedServer) -> None:
    a = add(db_path, feed_server.route("/a", Reply(body=rss([("story-1", "Chips", LONG)]))))
    body_b = rss([("story-1", "Chips", LONG), ("other", "Other", "different")], title="B")
    b = add(db_path, feed_server.route("/b", Reply(body=body_b)))
    refresh(db_path)
    (item_a,) = items(db_path, a)
    item_b = next(i for i in items(db_path, b) if i.title == "Chips")
    with Store.open(db_path) as store:
        assert store.story_item_ids(item_a.id) == sorted([item_a.id, item_b.id])
        other = next(i for i in items(db_path, b) if i.title == "Other")
        assert store.story_item_ids(other.id) == [other.id]


# --------------------------------------------------------------------------- parse deadline


def test_a_hung_parse_does_not_hang_the_refresh(db_path: Path, feed_server: FeedServer) -> None:
    hung = add(db_path, feed_server.route("/hang", Reply(body=FEED + HANG_MARKER)))
    ok = [
        add(db_path, feed_server.route(f"/ok{n}", Reply(body=rss([(f"k{n}", "t", "x")]))))
        for n in range(4)
    ]
    summary = refresh(db_path, parser=hanging_parse, parse_deadline_s=1.0)
    # The parse hangs for an hour: the refresh returned, so the deadline fired; the error
    # is the product's own, and the worker was recycled.
    by_id = {r.source_id: r for r in summary.results}
    assert "parse took longer" in (by_id[hung].error or "")
    assert all(by_id[n].ok and by_id[n].new_items == 1 for n in ok)
    assert summary.recycled_parsers >= 1
    assert source(db_path, hung).error_count == 1


# --------------------------------------------------------------------------- speed and sharing


def test_100_feeds_are_fetched_16_at_a_time(db_path: Path, feed_server: FeedServer) -> None:
    """Concurrency as the server sees it: no answer until 16 requests wait at once (a
    one-at-a-time loop would never get there), and never more than the cap."""
    for n in range(100):
        body = rss([(f"f{n}-{k}", f"Item {k}", f"text {n} {k}") for k in range(10)])
        add(db_path, feed_server.route(f"/f{n}", Reply(body=body, delay=0.02)))
    feed_server.hold_until(16)
    summary = refresh(db_path, concurrency=16, per_host=16)
    assert summary.ok == 100 and summary.new_items == 1000
    assert feed_server.peak_in_flight == 16


def test_fetched_bodies_wait_for_a_parser_a_few_at_a_time(
    db_path: Path, feed_server: FeedServer
) -> None:
    """Fetching outruns parsing (one slow worker): bodies fetched and not yet stored
    stay within the intake, not one per feed (a cold refresh of 500 feeds held 342
    bodies, 121 MiB). Counted as the server sees it: requests answered minus feeds done."""
    done = [0]
    held: list[int] = []

    def answer(body: bytes) -> Callable[[Seen], Reply]:
        def reply(seen: Seen) -> Reply:
            held.append(len(feed_server.requests) - done[0])
            return Reply(body=body)

        return reply

    for n in range(60):
        body = rss([(f"i{n}-{k}", f"Item {k}", f"text {n} {k}") for k in range(5)])
        add(db_path, feed_server.route(f"/i{n}", answer(body)))

    def progress(count: int, total: int, result: FeedResult) -> None:
        done[0] = count

    summary = refresh_sources(
        db_path,
        None,
        settings(concurrency=4, per_host=4, parse_workers=1),
        on_progress=progress,
        parser=slow_parse,
    )
    assert summary.ok == 60 and summary.new_items == 300
    limit = intake_limit(4, 1)
    assert limit < 20
    assert max(held) <= limit  # without the intake: all 60 fetched before a tenth parsed
    assert max(held) >= 4  # ...and the fetches still ran 4 at a time


def test_due_only_refreshes_sources_whose_time_has_come(
    db_path: Path, feed_server: FeedServer
) -> None:
    a = add(db_path, feed_server.route("/a", Reply(body=FEED)))
    b = add(db_path, feed_server.route("/b", Reply(body=FEED)))
    refresh(db_path)
    with Store.open(db_path) as store:
        store.update_source(a, next_check_at="2000-01-01T00:00:00+00:00")
    summary = refresh_sources(db_path, settings=settings(), due_only=True)
    assert [r.source_id for r in summary.results] == [a]
    assert b not in [r.source_id for r in summary.results]


def test_a_source_removed_during_refresh_is_ignored(db_path: Path, feed_server: FeedServer) -> None:
    def remove_while_serving(seen: Seen) -> Reply:
        with Store.open(db_path) as store:
            store.remove_source(sid)
        return Reply(body=FEED)

    sid = add(db_path, feed_server.route("/feed", remove_while_serving))
    (result,) = refresh(db_path).results
    assert result.new_items == 0
    with Store.open(db_path) as store:
        assert store.get_source(sid) is None


def test_two_processes_write_one_database(db_path: Path, feed_server: FeedServer) -> None:
    """A refresh and another writer (the UI, a cron job) at once: no "database is locked"."""
    ids = [
        add(
            db_path,
            feed_server.route(
                f"/f{n}", Reply(body=rss([(f"p{n}-{k}", "t", "x") for k in range(30)]))
            ),
        )
        for n in range(20)
    ]
    refresh(db_path, ids[:1])
    stop = db_path.parent / "stop-writing"
    script = textwrap.dedent(
        f"""
        import pathlib
        from tui.store import Store
        from tui.model import ItemQuery
        store = Store.open({str(db_path)!r})
        ids = [i.id for i in store.list_items(ItemQuery(limit=100))]
        stop = pathlib.Path({str(stop)!r})
        n = 0
        while n == 0 or not stop.exists():
            store.set_read(ids, n % 2 == 0)
            store.add_tags(ids[:5], [f"t{{n}}"])
            n += 1
            if n == 1:
                print("writing", flush=True)
        print(n)
        """
    )
    other = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert other.stdout is not None
        assert other.stdout.readline() == "writing\n"  # the writer is under way: refresh now
        for _ in range(3):
            summary = refresh(db_path)
            assert summary.failed == 0, [r.error for r in summary.results if r.error]
    finally:
        stop.touch()
        out, err = other.communicate(timeout=60)
    assert other.returncode == 0, err  # the writer never saw "database is locked" either
    last = int(out) - 1
    with Store.open(db_path) as store:  # the other writer's last write landed
        assert store.count_items(ItemQuery(tag=f"t{last}")) == 5


def test_parsing_falls_back_to_a_thread_without_processes(
    db_path: Path, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_processes(*args: object, **kwargs: object) -> None:
        raise OSError("sem_open is not available")

    import concurrent.futures  # tui.feeds.workers imports the pool class when it starts one

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_processes)
    sid = add(db_path, feed_server.route("/feed", Reply(body=FEED)))
    (result,) = refresh(db_path).results
    assert result.outcome == "updated" and len(items(db_path, sid)) == 2


def test_a_refresh_can_be_cancelled_from_another_thread(
    db_path: Path, feed_server: FeedServer
) -> None:
    fast = add(db_path, feed_server.route("/fast", Reply(body=FEED)))
    add(db_path, feed_server.route("/slow", Reply(body=FEED, drip=0.5)))
    cancel = threading.Event()

    def on_progress(done: int, total: int, result: FeedResult) -> None:
        cancel.set()  # the UI quits after the first result

    summary = refresh_sources(
        db_path, settings=settings(deadline_s=30), on_progress=on_progress, cancel=cancel
    )
    # The slow feed drips for minutes under a 30 s deadline: only a cancel that works
    # returns with the fast feed alone and no result for the slow one.
    assert summary.cancelled and [r.source_id for r in summary.results] == [fast]
    assert len(items(db_path, fast)) == 2


def test_per_host_limit(db_path: Path, feed_server: FeedServer) -> None:
    for n in range(6):
        add(db_path, feed_server.route(f"/h{n}", Reply(body=rss([(f"h{n}", "t", "x")]), delay=0.1)))
    feed_server.hold_until(2)  # answers wait until two are in flight: the limit is reached
    summary = refresh(db_path, per_host=2, concurrency=16)
    assert summary.ok == 6
    assert feed_server.peak_in_flight == 2  # as the server counted: never three at once


def test_permanent_redirect_to_a_url_already_subscribed(
    db_path: Path, feed_server: FeedServer
) -> None:
    new_url = feed_server.route("/new", Reply(body=FEED))
    add(db_path, new_url)
    old = add(db_path, feed_server.route("/old", Reply(301, headers={"Location": "/new"})))
    summary = refresh(db_path)
    result = next(r for r in summary.results if r.source_id == old)
    assert result.ok and "already another source" in (result.warning or "")
    assert source(db_path, old).url == feed_server.url("/old")


def test_items_are_classified_in_the_workers(db_path: Path, feed_server: FeedServer) -> None:
    from tui.themes import load_lexicon

    text = (
        "The US tightened export controls on advanced AI chips to China, and Nvidia said "
        "the rules on GPUs for frontier model training would cut its data-centre sales."
    )
    sid = add(db_path, feed_server.route("/feed", Reply(body=rss([("c1", "AI chip curbs", text)]))))
    refresh(db_path)
    (row,) = items(db_path, sid)
    with Store.open(db_path) as store:
        detail = store.get_item(row.id)
    assert detail is not None
    expected = load_lexicon().classify(detail.title, detail.text)
    assert expected.themes, "the sample text should match the shipped lexicon"
    assert [t.id for t in row.themes] == expected.theme_ids()
    assert row.actors == list(expected.actors)
