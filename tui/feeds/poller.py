"""The refresh engine: fetch many feeds at once, politely, and store what changed.

One shared httpx.AsyncClient (HTTP/1.1 keep-alive) with bounded concurrency overall and
per host; conditional GET; hard limits from tui.feeds.fetch; parsing and classification in
worker processes (tui.feeds.workers); store writes on one dedicated thread, one transaction
per feed. A feed's failure is data on its source row and in `fetches`, never an
exception that stops the others.

Two ways in: `refresh_sources(...)` (sync; runs its own event loop, for the CLI and
for the UI's worker thread) and `Poller` (async; a long-lived engine for `aigeo poll`).
The progress callback runs on the thread running the refresh.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import random
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

import httpx

from tui import __version__
from tui.feeds.fetch import FetchResponse, fetch_feed
from tui.feeds.schedule import (
    adaptive_interval,
    backoff_interval,
    iso_after,
    jittered,
    parse_time,
    success_interval,
)
from tui.feeds.workers import (
    ParseFunction,
    ParseJob,
    ParsePool,
    default_workers,
    parse_and_classify,
    worker_memory_limit,
)
from tui.model import Classification, NewItem, Source
from tui.store import Store, utc_now

DEFAULT_USER_AGENT = f"aigeo/{__version__} (+terminal feed reader)"
HOLD_STATUSES = frozenset({429, 503})  # the server asked us to wait (Retry-After)
POLL_RETRY_S = 5.0  # `poll`: how soon to look again when a source was never checked
CANCEL_POLL_S = 0.1  # how often a refresh looks at its cancel event
# A refresh of this many feeds starts its parse workers while it fetches: with so many,
# some feed has nearly always changed, and the workers' start (a fork server, imports)
# then overlaps the network instead of delaying the first parse. Fewer feeds, all
# parsed before: the workers start when the first changed body arrives.
WARM_POOL_FEEDS = 20

Outcome = Literal["updated", "unchanged", "not_modified", "error", "gone", "skipped"]
OK_OUTCOMES: frozenset[str] = frozenset({"updated", "unchanged", "not_modified"})
T = TypeVar("T")


@dataclass(slots=True)
class PollSettings:
    """Every limit of the refresh engine (all configurable; defaults are polite and safe)."""

    concurrency: int = 16  # requests in flight overall (httpx burns CPU past ~16)
    per_host: int = 8  # requests in flight to one host:port
    deadline_s: float = 30.0  # total time for one feed's fetch, redirects included
    connect_timeout_s: float = 10.0
    max_bytes: int = 10 * 1024 * 1024  # raw and decompressed body cap
    max_redirects: int = 5
    parse_deadline_s: float = 30.0  # a parse running longer is abandoned
    parse_workers: int = field(default_factory=default_workers)
    max_items: int = 500  # entries kept per feed and fetch
    user_agent: str = DEFAULT_USER_AGENT
    trust_env: bool = True  # honour HTTP(S)_PROXY / NO_PROXY from the environment
    min_interval_s: float = 30 * 60.0
    default_interval_s: float = 60 * 60.0
    max_interval_s: float = 24 * 3600.0
    backoff_base_s: float = 5 * 60.0
    backoff_cap_s: float = 24 * 3600.0
    jitter: float = 0.1  # ± fraction applied to every next-check interval

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> tuple[PollSettings, list[str]]:
        """Settings from a TOML table such as `[poll]`; unknown or ill-typed keys are reported.

        Returns the settings (defaults where a value was refused) and the problems found.
        """
        settings, problems = cls(), []
        kinds = {f.name: type(getattr(settings, f.name)) for f in fields(cls)}
        for key, value in values.items():
            kind = kinds.get(key)
            if kind is None:
                problems.append(f"poll.{key}: unknown setting")
            elif kind is float and isinstance(value, int | float) and not isinstance(value, bool):
                if value < 0:
                    problems.append(f"poll.{key}: must not be negative")
                else:
                    setattr(settings, key, float(value))
            elif kind is int and isinstance(value, int) and not isinstance(value, bool):
                if value < 1:
                    problems.append(f"poll.{key}: must be at least 1")
                else:
                    setattr(settings, key, value)
            elif kind is not int and kind is not float and isinstance(value, kind):
                setattr(settings, key, value)
            else:
                problems.append(f"poll.{key}: expected {kind.__name__}, got {value!r}")
        return settings, problems


@dataclass(slots=True)
class FeedResult:
    """What refreshing one source did (one per source, passed to the progress callback)."""

    source_id: int
    title: str
    url: str
    outcome: Outcome = "error"
    status: int | None = None
    new_items: int = 0
    updated_items: int = 0
    nbytes: int = 0
    duration_ms: int = 0
    parsed: bool = False
    error: str | None = None
    warning: str | None = None
    moved_to: str | None = None
    next_check_at: str | None = None
    error_count: int = 0  # failures in a row, this one included (0 after a success)

    @property
    def ok(self) -> bool:
        """True for a fetch that worked (new items, same body or 304)."""
        return self.outcome in OK_OUTCOMES

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self) | {"ok": self.ok}


@dataclass(slots=True)
class RefreshSummary:
    """The results of one refresh run."""

    results: list[FeedResult] = field(default_factory=list)
    seconds: float = 0.0
    recycled_parsers: int = 0
    cancelled: bool = False

    @property
    def total(self) -> int:
        """Sources considered (skipped ones included)."""
        return len(self.results)

    @property
    def ok(self) -> int:
        """Sources fetched successfully."""
        return sum(r.ok for r in self.results)

    @property
    def failed(self) -> int:
        """Sources that failed (errors and 410s)."""
        return sum(r.outcome in ("error", "gone") for r in self.results)

    @property
    def skipped(self) -> int:
        """Sources not fetched because their server asked us to wait."""
        return sum(r.outcome == "skipped" for r in self.results)

    @property
    def new_items(self) -> int:
        """Items stored for the first time."""
        return sum(r.new_items for r in self.results)

    @property
    def all_failed(self) -> bool:
        """True when something was attempted and nothing worked."""
        return self.failed > 0 and self.ok == 0

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: the counts, then one entry per source."""
        return {
            "total": self.total,
            "ok": self.ok,
            "failed": self.failed,
            "skipped": self.skipped,
            "new_items": self.new_items,
            "seconds": round(self.seconds, 3),
            "cancelled": self.cancelled,
            "results": [r.to_json() for r in self.results],
        }


ProgressCallback = Callable[[int, int, FeedResult], None]


def _reason(status: int) -> str:
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


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


class _StoreThread:
    """All store calls of a refresh run on one thread with its own connection.

    The event loop never waits on SQLite (a busy database blocks this thread, not the
    fetches), and writes are serialised without a lock of our own.
    """

    def __init__(self, db_path: Path) -> None:
        self._db_path = db_path
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="aigeo-store")
        self._store: Store | None = None

    def _run(self, fn: Callable[[Store], T]) -> T:
        if self._store is None:
            self._store = Store.open(self._db_path)
        return fn(self._store)

    async def call(self, fn: Callable[[Store], T]) -> T:
        """Run `fn(store)` on the store thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._run, fn)

    def close(self) -> None:
        """Close the connection on its own thread, then stop the thread."""

        def _close() -> None:
            if self._store is not None:
                self._store.close()
                self._store = None

        self._executor.submit(_close).result()
        self._executor.shutdown(wait=True)


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
    ) -> None:
        self.db_path = Path(db_path)
        self.settings = settings or PollSettings()
        self._parser = parser
        self._rng = rng or random.Random()
        self._client: httpx.AsyncClient | None = None
        self._pool: ParsePool | None = None
        self._store: _StoreThread | None = None
        self._slots: asyncio.Semaphore | None = None
        self._hosts: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> Poller:
        s = self.settings
        self._store = _StoreThread(self.db_path)
        await self._store.call(lambda store: None)  # open (and migrate) now: fail early
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            timeout=httpx.Timeout(s.deadline_s, connect=min(s.connect_timeout_s, s.deadline_s)),
            limits=httpx.Limits(
                max_connections=s.concurrency, max_keepalive_connections=s.concurrency
            ),
            headers={"User-Agent": s.user_agent},
            trust_env=s.trust_env,
        )
        self._pool = ParsePool(
            s.parse_workers,
            s.parse_deadline_s,
            self._parser,
            memory_limit=worker_memory_limit(s.max_bytes),
        )
        self._slots = asyncio.Semaphore(max(1, s.concurrency))
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
        if self._pool is not None and (
            len(sources) >= WARM_POOL_FEEDS or any(s.body_hash is None for s in sources)
        ):
            self._pool.start_warming()  # parsing is (nearly) sure: start workers meanwhile
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
        if cancel is None:
            await gathered
        else:
            watcher = asyncio.get_running_loop().create_task(_cancel_when_set(cancel, gathered))
            try:
                await gathered
            except asyncio.CancelledError:
                if not cancel.is_set():
                    raise
                summary.cancelled = True
            finally:
                watcher.cancel()
        order = {source.id: n for n, source in enumerate(sources)}
        summary.results.sort(key=lambda r: order.get(r.source_id, 0))
        summary.seconds = time.perf_counter() - started
        summary.recycled_parsers = self._pool.recycled if self._pool else 0
        return summary

    def _host_slot(self, url: str) -> asyncio.Semaphore:
        key = _host_key(url)
        slot = self._hosts.get(key)
        if slot is None:
            slot = self._hosts[key] = asyncio.Semaphore(max(1, self.settings.per_host))
        return slot

    async def _refresh_one(self, source: Source) -> FeedResult:
        """Fetch, parse and store one source. Never raises (except cancellation)."""
        result = FeedResult(source.id, source.title, source.url)
        started = time.perf_counter()
        try:
            response, started = await self._fetch(source)
            entries, fields, ttl = await self._interpret(source, response, result)
        except Exception as exc:  # a bug here must cost one feed, not the refresh
            response = FetchResponse(url=source.url)
            entries, fields, ttl = [], {}, None
            result.outcome, result.error = "error", f"internal error: {type(exc).__name__}: {exc}"
        result.duration_ms = int((time.perf_counter() - started) * 1000)
        try:
            await self._commit(source, response, result, entries, fields, ttl)
        except Exception as exc:
            result.outcome = "error"
            result.error = f"could not store the result: {type(exc).__name__}: {exc}"
        return result

    async def _fetch(self, source: Source) -> tuple[FetchResponse, float]:
        """Fetch within the concurrency limits; also returns when the fetch really started."""
        assert self._client is not None and self._slots is not None
        s = self.settings
        async with self._host_slot(source.url), self._slots:
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
    ) -> tuple[list[tuple[NewItem, Classification]], dict[str, object], int | None]:
        """Decide the outcome of a fetch; parse a new body.

        Returns the entries to store, the source fields to set and the feed's TTL.
        """
        assert self._pool is not None
        result.status = response.status
        result.nbytes = response.nbytes
        entries: list[tuple[NewItem, Classification]] = []
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
                job = ParseJob(
                    response.body, response.url, response.content_type, self.settings.max_items
                )
                parsed = await self._pool.run(job)
                result.parsed = True
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
            result.outcome, result.error = "gone", _reason(410)
        elif status is not None:
            result.outcome, result.error = "error", _reason(status)
        else:
            result.outcome, result.error = "error", "no response"
        return entries, fields, ttl

    def _next_check(
        self,
        source: Source,
        response: FetchResponse,
        result: FeedResult,
        ttl_minutes: int | None,
        item_times: list[str],
    ) -> str:
        """The next check time: adaptive/TTL/max-age after success, backoff after failure."""
        s = self.settings
        retry_after = response.retry_after_s
        if result.ok:
            adaptive = adaptive_interval(
                item_times,
                default_s=s.default_interval_s,
                min_s=s.min_interval_s,
                max_s=s.max_interval_s,
            )
            wait = success_interval(
                adaptive_s=adaptive,
                ttl_minutes=ttl_minutes,
                max_age_s=response.max_age_s,
                retry_after_s=retry_after,
                min_s=s.min_interval_s,
                max_s=s.max_interval_s,
            )
        else:
            wait = backoff_interval(
                source.error_count + 1,
                base_s=s.backoff_base_s,
                cap_s=s.backoff_cap_s,
                retry_after_s=retry_after,
            )
        wait = jittered(wait, s.jitter, self._rng)
        if retry_after and wait < retry_after:  # jitter never lands before a Retry-After
            wait = retry_after * (1 + self._rng.uniform(0, s.jitter))
        return iso_after(wait)

    async def _commit(
        self,
        source: Source,
        response: FetchResponse,
        result: FeedResult,
        entries: list[tuple[NewItem, Classification]],
        fields: dict[str, object],
        ttl_minutes: int | None,
    ) -> None:
        """Write the outcome of one fetch in one transaction on the store thread."""
        assert self._store is not None
        now = utc_now()
        fields |= {"checked_at": now, "status": response.status}
        if result.ok:
            fields |= {"ok_at": now, "error": None, "error_count": 0}
            if source.disabled:
                fields |= {"disabled": 0, "disabled_reason": None}
        else:
            result.error_count = source.error_count + 1
            fields |= {"error": result.error, "error_count": result.error_count}
            if result.outcome == "gone":
                fields |= {
                    "disabled": 1,
                    "disabled_reason": (
                        f"{_reason(410)} on {now[:10]}: the publisher removed this feed "
                        f"(`aigeo refresh --source {source.id}` tries it again)"
                    ),
                }

        def write(store: Store) -> None:
            with store.write():
                if result.ok and response.moved_to and response.moved_to != source.url:
                    if store.move_source(source.id, response.moved_to):
                        result.moved_to = result.url = response.moved_to
                    else:
                        note = f"moved permanently to {response.moved_to}, already another source"
                        result.warning = f"{result.warning}; {note}" if result.warning else note
                saved = store.record_refresh(
                    source.id,
                    entries=entries,
                    source_fields=fields,
                    status=response.status,
                    nbytes=response.nbytes,
                    duration_ms=result.duration_ms,
                    error=result.error,
                    at=now,
                )
                if saved is None:  # the source was removed during the refresh
                    return
                result.new_items = len(saved.new_ids)
                result.updated_items = len(saved.updated_ids)
                times = store.recent_item_times(source.id) if result.ok else []
                result.next_check_at = self._next_check(
                    source, response, result, ttl_minutes, times
                )
                store.update_source(source.id, next_check_at=result.next_check_at)

        await self._store.call(write)


async def refresh_async(
    db_path: str | Path,
    source_ids: Sequence[int] | None = None,
    *,
    settings: PollSettings | None = None,
    on_progress: ProgressCallback | None = None,
    due_only: bool = False,
    cancel: threading.Event | None = None,
    parser: ParseFunction = parse_and_classify,
) -> RefreshSummary:
    """The async core: one refresh run with its own client, pool and store thread."""
    async with Poller(db_path, settings, parser=parser) as poller:
        return await poller.refresh(
            source_ids, due_only=due_only, on_progress=on_progress, cancel=cancel
        )


def refresh_sources(
    db_path: str | Path,
    source_ids: Sequence[int] | None = None,
    settings: PollSettings | None = None,
    on_progress: ProgressCallback | None = None,
    *,
    due_only: bool = False,
    cancel: threading.Event | None = None,
    parser: ParseFunction = parse_and_classify,
) -> RefreshSummary:
    """Refresh sources synchronously (runs its own event loop: call it from a worker thread).

    `on_progress(done, total, result)` is called on the calling thread after each source;
    setting `cancel` from another thread (the UI quitting) ends the refresh early.
    """
    return asyncio.run(
        refresh_async(
            db_path,
            source_ids,
            settings=settings,
            on_progress=on_progress,
            due_only=due_only,
            cancel=cancel,
            parser=parser,
        )
    )


async def poll_forever(
    db_path: str | Path,
    settings: PollSettings | None = None,
    *,
    on_result: Callable[[FeedResult], None] | None = None,
    max_sleep_s: float = 60.0,
    stop: asyncio.Event | None = None,
    parser: ParseFunction = parse_and_classify,
) -> None:
    """Refresh each source as it comes due, until cancelled (Ctrl+C) or `stop` is set.

    Sleeps until the earliest next check time, but at most `max_sleep_s`, so sources
    added meanwhile (by the UI or `aigeo add`) are picked up.
    """
    stop = stop or asyncio.Event()
    async with Poller(db_path, settings, parser=parser) as poller:
        while not stop.is_set():
            await poller.refresh(
                due_only=True,
                on_progress=(lambda _d, _t, result: on_result(result)) if on_result else None,
            )
            wait = max_sleep_s
            upcoming = await poller.next_check_at()
            if upcoming is not None and (when := parse_time(upcoming)) is not None:
                wait = (when - datetime.now(UTC)).total_seconds()
            elif upcoming is None and await poller.has_feeds():
                wait = POLL_RETRY_S  # a source never checked (just added): soon
            wait = min(max_sleep_s, max(1.0, wait))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), wait)
