"""The refresh engine: fetch many feeds at once, politely, and store what changed.

One shared httpx.AsyncClient (HTTP/1.1 keep-alive) with bounded concurrency overall and
per host; conditional GET; hard limits from tui.feeds.fetch; parsing and classification in
worker processes (tui.feeds.workers); store writes on one dedicated thread
(tui.feeds.store_thread), one transaction per feed; what an outcome writes on its
source, and when it is checked next, is tui.feeds.outcome. A feed's failure is data on
its source row and in `fetches`, never an exception that stops the others.

Ways in: tui.feeds.refresh (`refresh_sources`, sync, for the CLI and the UI's worker
thread; `poll_forever` for `aigeo poll`), both over `Poller`, the async engine here.
The progress callback runs on the thread running the refresh.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import random
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from tui.feeds import tls
from tui.feeds.alert_hook import AlertHook, HookRunner
from tui.feeds.fetch import FetchResponse, fetch_feed
from tui.feeds.intake import Intake, intake_limit
from tui.feeds.known import classify_late, known_entries
from tui.feeds.outcome import http_reason, next_check_at, outcome_fields
from tui.feeds.refresh_types import (
    FeedResult,
    PollSettings,
    ProgressCallback,
    RefreshSummary,
)
from tui.feeds.schedule import parse_time
from tui.feeds.store_thread import StoreThread
from tui.feeds.workers import (
    ParseFunction,
    ParseJob,
    ParsePool,
    parse_and_classify,
    worker_memory_limit,
)
from tui.model import FeedEntry, Source
from tui.store import Store, utc_now
from tui.store.retention import prune_source

HOLD_STATUSES = frozenset({429, 503})  # the server asked us to wait (Retry-After)
POLL_RETRY_S = 5.0  # `poll`: how soon to look again when a source was never checked
CANCEL_POLL_S = 0.1  # how often a refresh looks at its cancel event
POOL_PER_SLOT = 2  # connections the HTTP client keeps alive per request slot
# The parse workers start while fetching only when some feed was never parsed (a cold
# refresh: parsing is sure). Otherwise the first changed body starts them, so a refresh
# answered all 304 (or all unchanged bodies) starts no process at all.


def _host_key(url: str) -> str:
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return ""


def _body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]


async def _cancel_when_set(event: threading.Event, target: asyncio.Future[Any]) -> None:
    """Cancel `target` once `event` (set from another thread) is set."""
    while not event.is_set():
        await asyncio.sleep(CANCEL_POLL_S)
    target.cancel()


class Poller:
    """A refresh engine over one database: HTTP client, parse pool and store thread.

    Use as `async with Poller(db_path, settings) as poller: await poller.refresh()`;
    one Poller can run many refreshes (as `aigeo poll` does).
    """

    def __init__(
        self,
        db_path: str | Path,
        settings: PollSettings | None = None,
        *,
        parser: ParseFunction = parse_and_classify,
        rng: random.Random | None = None,
        alert_hook: AlertHook | None = None,
    ) -> None:
        self.db_path = Path(db_path)
        self._hooks = HookRunner(alert_hook) if alert_hook else None
        self.settings = settings or PollSettings()
        self._parser = parser
        self._rng = rng or random.Random()
        self._client: httpx.AsyncClient | None = None
        self._pool: ParsePool | None = None
        self._store: StoreThread | None = None
        self._slots: asyncio.Semaphore | None = None
        self._intake: Intake | None = None  # sources fetched and not yet stored (intake.py)
        self._hosts: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> Poller:
        s = self.settings
        self._store = StoreThread(self.db_path)
        await self._store.call(lambda store: None)  # open (and migrate) now: fail early
        # Requests in flight are capped by `_slots` (concurrency); the pool may keep more
        # connections alive, so a request to one host does not close another host's idle
        # connection only to reconnect to it next (100 feeds on 8 hosts: 37 connects at
        # a pool of 16, ~30 ms more wall and ~15 ms more CPU than at 32).
        pool = POOL_PER_SLOT * max(1, s.concurrency)
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            timeout=httpx.Timeout(s.deadline_s, connect=min(s.connect_timeout_s, s.deadline_s)),
            limits=httpx.Limits(max_connections=pool, max_keepalive_connections=pool),
            headers={"User-Agent": s.user_agent},
            trust_env=s.trust_env,
            verify=tls.take(s.trust_env),  # prepared in a thread by `aigeo refresh`
        )
        self._pool = ParsePool(
            s.parse_workers,
            s.parse_deadline_s,
            self._parser,
            memory_limit=worker_memory_limit(s.max_bytes),
        )
        self._slots = asyncio.Semaphore(max(1, s.concurrency))
        self._intake = Intake(intake_limit(s.concurrency, self._pool.workers))
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the client, stop the parse workers and the store thread."""
        if self._client is not None:
            with contextlib.suppress(Exception):
                await self._client.aclose()
            self._client = None
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        if self._store is not None:
            self._store.close()
            self._store = None

    async def has_feeds(self) -> bool:
        """True when there is at least one enabled feed source."""
        assert self._store is not None
        return await self._store.call(lambda st: st.has_feed_sources())

    async def next_check_at(self) -> str | None:
        """The earliest next check time of the enabled feeds (None when one is due now)."""
        assert self._store is not None
        return await self._store.call(lambda st: st.next_check_at())

    # ----------------------------------------------------------------- choosing sources

    async def _select(self, source_ids: Sequence[int] | None, due_only: bool) -> list[Source]:
        assert self._store is not None
        if due_only:
            now = utc_now()
            sources = await self._store.call(lambda st: st.due_sources(now))
            if source_ids is not None:
                wanted = set(source_ids)
                sources = [s for s in sources if s.id in wanted]
            return sources
        ids = list(source_ids) if source_ids is not None else None
        # Sources named explicitly are fetched even when disabled (a 410 may be undone).
        return await self._store.call(
            lambda st: st.feed_sources(ids, include_disabled=ids is not None)
        )

    @staticmethod
    def _held(source: Source, now: datetime) -> bool:
        """True when the server asked (429/503 + Retry-After) to be left alone until later."""
        if source.status not in HOLD_STATUSES or not source.next_check_at:
            return False
        when = parse_time(source.next_check_at)
        return when is not None and when > now

    # ----------------------------------------------------------------- refreshing

    async def refresh(
        self,
        source_ids: Sequence[int] | None = None,
        *,
        due_only: bool = False,
        on_progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> RefreshSummary:
        """Refresh the given sources (default: every enabled feed) and store the results.

        With `due_only`, only sources whose next check time has come. Without explicit
        `source_ids`, a source whose server asked to wait (429/503) is skipped until then.
        Setting `cancel` (from any thread) stops the refresh: fetches in flight are
        abandoned, results already stored stay, and the summary says `cancelled`.
        """
        started = time.perf_counter()
        sources = await self._select(source_ids, due_only)
        if self._pool is not None and any(s.body_hash is None for s in sources):
            self._pool.start_warming()  # a never-parsed feed: parsing is sure, start now
        now = datetime.now(UTC)
        summary = RefreshSummary()
        total = len(sources)
        done = 0

        async def one(source: Source) -> None:
            nonlocal done
            if source_ids is None and not due_only and self._held(source, now):
                result = FeedResult(
                    source.id,
                    source.title,
                    source.url,
                    outcome="skipped",
                    status=source.status,
                    next_check_at=source.next_check_at,
                    error_count=source.error_count,
                    warning=f"the server asked to wait until {source.next_check_at}",
                )
            else:
                result = await self._refresh_one(source)
            summary.results.append(result)
            done += 1
            if on_progress is not None:
                with contextlib.suppress(Exception):  # a display bug must not stop a refresh
                    on_progress(done, total, result)

        gathered = asyncio.gather(*(one(source) for source in sources))
        try:
            if cancel is None:
                await gathered
            else:
                watcher = asyncio.get_running_loop().create_task(_cancel_when_set(cancel, gathered))
                try:
                    await gathered
                except asyncio.CancelledError:
                    if not cancel.is_set():
                        if self._hooks is not None:
                            self._hooks.cancel()
                        raise
                    summary.cancelled = True
                finally:
                    watcher.cancel()
        finally:  # stories of everything stored, in one pass (Store.save_items), then alerts
            if self._store is not None and any(r.new_items for r in summary.results):
                await asyncio.shield(
                    self._store.call(lambda store: self._stories_and_alerts(store, summary))
                )
        if self._hooks is not None:
            for alert in summary.pending_alerts:
                self._hooks.submit(alert.view_id, alert.to_json())
        if summary.cancelled and self._hooks is not None:
            self._hooks.cancel()  # quitting never waits for a hook either
        await self._finish_hooks()
        order = {source.id: n for n, source in enumerate(sources)}
        summary.results.sort(key=lambda r: order.get(r.source_id, 0))
        summary.seconds = time.perf_counter() - started
        summary.recycled_parsers = self._pool.recycled if self._pool else 0
        return summary

    def _stories_and_alerts(self, store: Store, summary: RefreshSummary) -> None:
        """Assign the refresh's deferred stories, then test the watched views against the
        items they covered, in one transaction: alerts dedupe by story, so they can only
        be raised once the stories are known (five outlets, one alert). Items a killed
        refresh left without a story are covered by the next refresh's pass.
        (tui.analysis.watch is imported here: a refresh that stored nothing new, an
        all-304 one, never needs it.)"""
        from tui.analysis.watch import raise_alerts

        with store.write():
            ids = store.assign_pending_stories()
            alerts = raise_alerts(store, ids)
            if not alerts:
                return
            by_source = {r.source_id: r for r in summary.results}
            sources = dict(
                store.conn.execute(
                    "SELECT id, source_id FROM items WHERE id IN (SELECT value FROM json_each(?))",
                    (json.dumps([a.item_id for a in alerts]),),
                ).fetchall()
            )
        for alert in alerts:
            result = by_source.get(sources.get(alert.item_id, -1))
            if result is not None:
                result.alerts += 1
        summary.pending_alerts.extend(alerts)  # submitted to the hooks on the event loop

    async def _finish_hooks(self) -> None:
        """Wait for the alert hooks of this refresh (each bounded by its timeout) and
        record each view's outcome; a failure there is logged, never raised."""
        if self._hooks is None or self._store is None:
            return
        outcome = await self._hooks.drain()
        if outcome:
            from tui.analysis.watch import record_hook_result

            def record(store: Store) -> None:
                for view_id, error in outcome.items():
                    record_hook_result(store, view_id, error)

            with contextlib.suppress(Exception):
                await self._store.call(record)

    def _host_slot(self, url: str) -> asyncio.Semaphore:
        key = _host_key(url)
        slot = self._hosts.get(key)
        if slot is None:
            slot = self._hosts[key] = asyncio.Semaphore(max(1, self.settings.per_host))
        return slot

    async def _refresh_one(self, source: Source) -> FeedResult:
        """Fetch, parse and store one source. Never raises (except cancellation)."""
        assert self._intake is not None
        result = FeedResult(source.id, source.title, source.url)
        started = time.perf_counter()
        admitted, held = False, 0
        try:
            try:
                # The host's slot first: a source waiting for its host holds no place in
                # the intake, so a busy host never keeps the others' fetches waiting. A
                # source with entries keeps its place until they are stored; the others
                # give it back at once (an all-304 refresh fetched 7% slower when its
                # places waited for the writes of the source rows).
                async with self._host_slot(source.url):
                    await self._intake.enter()
                    admitted = True
                    response, started = await self._fetch(source)
                held = len(response.body or b"")
                self._intake.hold(held)
                entries, fields, ttl = await self._interpret(source, response, result)
                response.body = None  # parsed: not held while the write waits its turn
                if not entries:  # a 304, the same body, an error: nothing big to hold
                    admitted = False
                    self._intake.leave(held)
            except Exception as exc:  # a bug here must cost one feed, not the refresh
                response = FetchResponse(url=source.url)
                entries, fields, ttl = [], {}, None
                result.outcome = "error"
                result.error = f"internal error: {type(exc).__name__}: {exc}"
            result.duration_ms = int((time.perf_counter() - started) * 1000)
            try:
                await self._commit(source, response, result, entries, fields, ttl)
            except Exception as exc:
                result.outcome = "error"
                result.error = f"could not store the result: {type(exc).__name__}: {exc}"
            return result
        finally:
            if admitted:
                self._intake.leave(held)

    async def _fetch(self, source: Source) -> tuple[FetchResponse, float]:
        """Fetch within the overall concurrency limit (the caller holds the host's slot);
        also returns when the fetch really started."""
        assert self._client is not None and self._slots is not None
        s = self.settings
        async with self._slots:
            started = time.perf_counter()
            response = await fetch_feed(
                self._client,
                source.url,
                etag=source.etag,
                last_modified=source.last_modified,
                max_bytes=s.max_bytes,
                max_redirects=s.max_redirects,
                deadline_s=s.deadline_s,
            )
        return response, started

    async def _interpret(
        self, source: Source, response: FetchResponse, result: FeedResult
    ) -> tuple[list[FeedEntry], dict[str, object], int | None]:
        """Decide the outcome of a fetch; parse a new body.

        Returns the entries to store, the source fields to set and the feed's TTL.
        """
        assert self._pool is not None and self._store is not None
        result.status = response.status
        result.nbytes = response.nbytes
        entries: list[FeedEntry] = []
        fields: dict[str, object] = {}
        ttl: int | None = None
        status = response.status
        if response.error is not None:
            result.outcome, result.error = "error", response.error
        elif status == 304:
            result.outcome = "not_modified"
            fields["etag"] = response.etag or source.etag
            fields["last_modified"] = response.last_modified or source.last_modified
        elif status == 200 and response.body is not None:
            fields["etag"] = response.etag
            fields["last_modified"] = response.last_modified
            digest = _body_hash(response.body)
            if digest == source.body_hash:
                result.outcome = "unchanged"
            else:
                max_items = self.settings.max_items
                known = None  # never parsed (a cold refresh): no store round trip
                if source.body_hash is not None:
                    known = await self._store.call(
                        lambda st: known_entries(st, source.id, max_items)
                    )
                job = ParseJob(response.body, response.url, response.content_type, max_items, known)
                parsed = await self._pool.run(job)
                result.parsed = True
                result.classified = parsed.classified
                result.warning = parsed.warning
                if parsed.error:
                    result.outcome, result.error = "error", f"not a usable feed: {parsed.error}"
                    fields.clear()  # keep the old validators: the next fetch must re-parse
                else:
                    result.outcome = "updated"
                    entries = parsed.entries
                    fields["body_hash"] = digest
                    ttl = parsed.ttl_minutes
                    if parsed.title and source.title == source.url:
                        fields["title"] = result.title = parsed.title[:300]
                    if parsed.site_url and not source.site_url:
                        fields["site_url"] = parsed.site_url
                    if parsed.truncated:
                        note = f"{parsed.truncated} entries past the {self.settings.max_items} cap"
                        result.warning = f"{result.warning}; {note}" if result.warning else note
        elif status == 410:
            result.outcome, result.error = "gone", http_reason(410)
        elif status is not None:
            result.outcome, result.error = "error", http_reason(status)
        else:
            result.outcome, result.error = "error", "no response"
        return entries, fields, ttl

    async def _commit(
        self,
        source: Source,
        response: FetchResponse,
        result: FeedResult,
        entries: list[FeedEntry],
        fields: dict[str, object],
        ttl_minutes: int | None,
    ) -> None:
        """Write the outcome of one fetch in one transaction on the store thread."""
        assert self._store is not None
        now = utc_now()
        fields |= outcome_fields(source, response, result, now)

        def write(store: Store) -> None:
            moved, note = None, None
            with store.write():
                if result.ok and response.moved_to and response.moved_to != source.url:
                    if store.move_source(source.id, response.moved_to):
                        moved = response.moved_to
                    else:
                        note = f"moved permanently to {response.moved_to}, already another source"
                saved = store.record_refresh(
                    source.id,
                    entries=entries,
                    defer_stories=True,  # assigned once, at the end of the refresh
                    classify=classify_late,  # skipped as stored unchanged, yet it is not
                    source_fields=fields,
                    status=response.status,
                    nbytes=response.nbytes,
                    duration_ms=result.duration_ms,
                    error=result.error,
                    at=now,
                )
                if saved is None:  # the source was removed during the refresh
                    return
                removed = 0
                if self.settings.keep_items and result.ok:
                    removed = prune_source(
                        store.conn,
                        source.id,
                        self.settings.keep_items,
                        (e.guid for e, _ in entries),
                    )
                times = store.recent_item_times(source.id) if result.ok else []
                next_check = next_check_at(
                    self.settings, self._rng, source, response, result, ttl_minutes, times
                )
                store.update_source(source.id, next_check_at=next_check)
            # Only now, after COMMIT, does the result say what was stored: a failure
            # anywhere above rolled everything back and must not be reported as new items.
            if moved:
                result.moved_to = result.url = moved
            if note:
                result.warning = f"{result.warning}; {note}" if result.warning else note
            result.new_items = len(saved.new_ids)
            result.updated_items = len(saved.updated_ids)
            result.removed_items = removed
            result.next_check_at = next_check

        # Shielded: a refresh being stopped still stores what it fetched and parsed (the
        # store thread finishes queued writes before it closes); only fetches and parses
        # in flight are abandoned.
        await asyncio.shield(self._store.call(write))
