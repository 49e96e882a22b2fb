"""Parsing off the event loop: feed bytes → classified items, in worker processes.

feedparser is CPU-bound and holds the GIL, so threads do not help; a small
ProcessPoolExecutor uses every core. Each job has a deadline: a parse that runs past it
is abandoned, the pool's processes are killed and a fresh pool takes over, so one
pathological feed cannot hang a refresh. The lexicon is loaded once per worker.

multiprocessing and concurrent.futures.process are imported when a pool or a capped task
first starts: a refresh answered all 304 starts neither and no longer imports them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tui.feeds.known import KnownEntries, is_known
from tui.feeds.refresh_types import default_workers
from tui.lifecycle import die_with_parent, mark_owner
from tui.model import FeedEntry

if TYPE_CHECKING:
    import multiprocessing.context
    from concurrent.futures import Future, ProcessPoolExecutor


@dataclass(slots=True)
class ParseJob:
    """One body to parse (what crosses into the worker process).

    `known`: the source's stored entries (tui.feeds.known); those found unchanged are
    not classified.
    """

    body: bytes
    url: str
    content_type: str | None = None
    max_items: int = 500
    known: KnownEntries | None = None


@dataclass(slots=True)
class ParseOutcome:
    """What the worker sends back: classified entries and feed metadata, or an error.

    An entry stored unchanged (`ParseJob.known`) comes with None for a classification.
    """

    entries: list[FeedEntry] = field(default_factory=list)
    title: str | None = None
    site_url: str | None = None
    format: str = ""
    warning: str | None = None
    error: str | None = None
    ttl_minutes: int | None = None
    truncated: int = 0
    cpu_ms: int = 0
    classified: int = 0  # entries the lexicon ran on (the others were stored unchanged)

    @classmethod
    def failed(cls, error: str) -> ParseOutcome:
        """An outcome carrying only an error."""
        return cls(error=error)


ParseFunction = Callable[[ParseJob], ParseOutcome]
WARM_UP_TIMEOUT_S = 60.0


def worker_lexicon() -> Any:
    """The theme lexicon: compiled once per process and file version (load_lexicon caches
    on the file's mtime and size; the fork server compiles it before forking workers)."""
    from tui.themes import load_lexicon

    return load_lexicon()


def parse_and_classify(job: ParseJob) -> ParseOutcome:
    """The default worker function: tui.feeds.parse.parse_feed, then the lexicon on every
    entry not stored unchanged (`job.known`), with the cyclic GC paused (`_gc_paused`)."""
    with _gc_paused():
        return _parse_and_classify(job)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off for one job, back on (if it was) after.

    A parse allocates containers by the hundred thousand (drafts, token pairs, tallies)
    and frees them by reference counting, but the collector still ran a young-generation
    pass every 700 allocations: 7-9% of the job's CPU on the 30 farm feeds (0.63-0.65
    -> 0.58-0.59 ms an item with it off). Cycles made during the job (few) wait until it
    ends; the worker's memory cap still bounds the job.
    """
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parse_and_classify(job: ParseJob) -> ParseOutcome:
    """parse_and_classify's work."""
    from tui.feeds.parse import parse_feed

    parsed = parse_feed(
        job.body, url=job.url, content_type=job.content_type, max_items=job.max_items
    )
    lexicon = worker_lexicon()
    entries: list[FeedEntry] = [
        (entry, None if is_known(job.known, entry) else lexicon.classify(entry.title, entry.text))
        for entry in parsed.entries
    ]
    return ParseOutcome(
        entries=entries,
        classified=sum(1 for _, classification in entries if classification is not None),
        title=parsed.title,
        site_url=parsed.site_url,
        format=parsed.format,
        warning=parsed.warning,
        error=parsed.error,
        ttl_minutes=parsed.ttl_minutes,
        truncated=parsed.truncated,
    )


#: The most heap (RLIMIT_DATA) one parse worker may use, at least. A 10 MiB feed (the
#: default body cap) parses in under 100 MiB; input that makes a parser balloon (a tag
#: with millions of attributes costs ~350 bytes each in feedparser's lenient parser)
#: then ends as a MemoryError for that feed instead of taking the machine's memory.
WORKER_MEMORY_LIMIT = 256 * 1024 * 1024
WORKER_MEMORY_PER_BODY_BYTE = 16  # a larger body cap raises the limit to 16x the cap


def worker_memory_limit(max_body_bytes: int) -> int:
    """The parse workers' heap limit for a given body size cap."""
    return max(WORKER_MEMORY_LIMIT, WORKER_MEMORY_PER_BODY_BYTE * max_body_bytes)


def _worker_init(memory_limit: int | None = None) -> None:
    """Workers die with their parent (tui.lifecycle), ignore Ctrl+C (the parent decides
    when they stop) and cap their heap."""
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory_limit:
        _limit_memory(memory_limit)


def _limit_memory(limit: int) -> None:
    """Lower this process's RLIMIT_DATA to `limit` bytes (best effort; POSIX only)."""
    try:
        import resource
    except ImportError:  # not on this platform
        return
    with contextlib.suppress(ValueError, OSError):
        _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


def _run_job(parser: ParseFunction, job: ParseJob) -> ParseOutcome:
    """Run the parser, turning any exception into an error outcome (pickling-safe)."""
    started = time.process_time()
    try:
        outcome = parser(job)
    except Exception as exc:  # a parser bug must not look like a dead worker
        outcome = ParseOutcome.failed(f"parser error: {type(exc).__name__}: {exc}"[:500])
    outcome.cpu_ms = int((time.process_time() - started) * 1000)
    return outcome


def _warm_worker() -> int:
    """Import the parser and load the lexicon ahead of the first job (best effort)."""
    with contextlib.suppress(Exception):
        import tui.feeds.parse  # noqa: F401

        worker_lexicon()
    return os.getpid()


# Imported once by the fork server; every worker forked from it starts with them loaded.
# A new worker also re-runs the main script (as __mp_main__); on 3.11 the fork server
# does not preload it, so what the `aigeo` script imports (tui.cli.group) is preloaded here,
# which makes starting a worker take milliseconds instead of a few hundred. Not
# tui.feeds.poller: a worker never needs httpx, and importing it cost every refresh's fork
# server ~0.3 s of CPU before the first parse could start.
FORKSERVER_PRELOAD = [
    "tui.forkserver_watch",  # first: the fork server dies with aigeo (tui.lifecycle)
    "__main__",
    "tui.cli.group",
    "tui.feeds.workers",
    "feedparser",
    "tui.feeds.parse",
    "tui.themes",
    "tui.feeds.preload",
]


def _mp_context() -> multiprocessing.context.BaseContext:
    """forkserver on POSIX: workers never inherit a threaded parent (UI, HTTP server)."""
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(FORKSERVER_PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


@contextlib.contextmanager
def _real_stderr() -> Iterator[None]:
    """Make sys.stderr a real file while helper processes start.

    multiprocessing hands `sys.stderr.fileno()` to the resource tracker it spawns; a
    running Textual app replaces sys.stderr with a capture whose fileno is not a real
    descriptor, and the spawn then fails ("bad value(s) in fds_to_keep").
    """
    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        usable = False
    if usable:
        yield
        return
    saved = sys.stderr
    with open(os.devnull, "w") as devnull:
        sys.stderr = sys.__stderr__ if _has_fd(sys.__stderr__) else devnull
        try:
            yield
        finally:
            sys.stderr = saved


def _has_fd(stream: object) -> bool:
    try:
        return stream is not None and stream.fileno() >= 0  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return False


def _start_helpers(ctx: multiprocessing.context.BaseContext) -> None:
    """Start the resource tracker (and fork server) with a real stderr; both persist
    while this process lives, and the fork server exits when it dies (tui.lifecycle)."""
    from multiprocessing import resource_tracker

    mark_owner()
    with _real_stderr():
        resource_tracker.ensure_running()
        if ctx.get_start_method() == "forkserver":
            from multiprocessing import forkserver

            forkserver.ensure_running()


class ParsePool:
    """A process pool with a per-job deadline that recycles itself when a job hangs."""

    def __init__(
        self,
        workers: int | None = None,
        deadline_s: float = 30.0,
        parser: ParseFunction = parse_and_classify,
        memory_limit: int | None = WORKER_MEMORY_LIMIT,
    ) -> None:
        self.workers = workers or default_workers()
        self.deadline_s = deadline_s
        self.parser = parser
        self.memory_limit = memory_limit  # per worker process (None: no limit)
        self.recycled = 0
        self.inline = False  # True when worker processes cannot be started here
        self._executor: ProcessPoolExecutor | None = None
        self._generation = 0
        self._slots: asyncio.Semaphore | None = None
        self._inflight = 0
        self._abandoned = False  # a job was cancelled mid-parse: close() must kill, not wait
        self._warm = False
        self._warming = asyncio.Lock()
        self._warm_task: asyncio.Task[None] | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            from concurrent.futures import ProcessPoolExecutor

            ctx = _mp_context()
            _start_helpers(ctx)
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=ctx,
                initializer=_worker_init,
                initargs=(self.memory_limit,),
            )
            self._warm = False
        return self._executor

    def start_warming(self) -> None:
        """Start the workers in the background now (when parsing is sure to follow)."""
        if self._warm_task is None and not self._warm:
            self._warm_task = asyncio.get_running_loop().create_task(self._warm_up())

    async def _warm_up(self) -> None:
        """Start every worker before the first job, so no deadline pays for process start."""
        async with self._warming:
            if self._warm:
                return
            try:
                pool = self._pool()
                futures = [pool.submit(_warm_worker) for _ in range(self.workers)]
            except (OSError, NotImplementedError, ImportError):
                # No processes on this platform (no sem_open, a sandbox): parse in a
                # thread instead. The deadline still holds the refresh, but a hung
                # parse cannot be killed there.
                self.inline = True
                self._executor = None
            else:
                await asyncio.wait(map(asyncio.wrap_future, futures), timeout=WARM_UP_TIMEOUT_S)
            self._warm = True

    async def run(self, job: ParseJob) -> ParseOutcome:
        """Parse one job within the deadline. Never raises (except cancellation)."""
        from concurrent.futures.process import BrokenProcessPool

        if self._slots is None:
            # Only as many jobs in flight as workers, so the deadline times the parse
            # itself rather than a wait in the pool's queue.
            self._slots = asyncio.Semaphore(self.workers)
        async with self._slots:
            for _attempt in range(2):
                await self._warm_up()
                if self.inline:
                    return await self._run_inline(job)
                generation = self._generation
                try:
                    future: Future[ParseOutcome] = self._pool().submit(_run_job, self.parser, job)
                except BrokenProcessPool:
                    self._recycle(generation)
                    continue
                self._inflight += 1
                try:
                    return await asyncio.wait_for(asyncio.wrap_future(future), self.deadline_s)
                except asyncio.CancelledError:
                    # Ctrl+C / SIGTERM / the UI quitting: the worker is still parsing.
                    # Waiting for it made a stop take minutes; close() kills it instead.
                    self._abandoned = True
                    raise
                except TimeoutError:
                    self._recycle(generation)
                    return ParseOutcome.failed(
                        f"parse took longer than {self.deadline_s:g} s and was abandoned"
                    )
                except BrokenProcessPool:
                    if generation == self._generation:
                        # Our pool died under us (a crash, or killed): start afresh.
                        self._recycle(generation)
                        return ParseOutcome.failed("the parser process died")
                    continue  # another job's deadline recycled the pool: try again
                except Exception as exc:  # e.g. the outcome could not be unpickled
                    return ParseOutcome.failed(f"parser error: {type(exc).__name__}: {exc}")
                finally:
                    self._inflight -= 1
            return ParseOutcome.failed("the parser process died")

    async def _run_inline(self, job: ParseJob) -> ParseOutcome:
        """The fallback without processes: a thread, abandoned (not killed) past the deadline."""
        try:
            return await asyncio.wait_for(
                asyncio.to_thread(_run_job, self.parser, job), self.deadline_s
            )
        except TimeoutError:
            return ParseOutcome.failed(
                f"parse took longer than {self.deadline_s:g} s and was abandoned"
            )

    def _recycle(self, generation: int) -> None:
        """Kill the current pool's processes (once per generation) and start a new pool."""
        if generation != self._generation or self._executor is None:
            return
        executor, self._executor = self._executor, None
        self._generation += 1
        self.recycled += 1
        self._warm = False  # the next job waits for the new workers outside its deadline
        _kill_executor(executor)

    def close(self) -> None:
        """Stop the workers; a job still running (a cancelled refresh) is killed, not awaited."""
        if self._warm_task is not None:
            self._warm_task.cancel()
            self._warm_task = None
        if self._executor is None:
            return
        executor, self._executor = self._executor, None
        if self._inflight or self._abandoned:
            _kill_executor(executor)
        else:
            executor.shutdown(wait=True, cancel_futures=True)


def _kill_executor(executor: ProcessPoolExecutor) -> None:
    """Kill the pool's workers and make sure its manager thread ends.

    A worker killed while it was writing its result (a parse outcome is megabytes)
    leaves half a message in the result pipe: the executor's manager thread then waits
    in recv() for the rest, forever, since this process holds the pipe's write end too,
    and at exit the interpreter joins that thread (concurrent.futures' atexit hook): a
    refresh stopped by Ctrl+C hung there (tests/safety/test_orphans.py, 1 run in ~30 on a
    loaded machine). Once the workers are dead nothing else writes to that pipe, so
    closing our end turns the wait into end-of-file: the thread marks the pool broken
    and returns.
    """
    processes = list((getattr(executor, "_processes", None) or {}).values())
    # taken before shutdown(), which drops the executor's reference to the queue
    writer = getattr(getattr(executor, "_result_queue", None), "_writer", None)
    for process in processes:
        if process.is_alive():
            process.kill()
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.join(timeout=2)
    if writer is not None and all(not process.is_alive() for process in processes):
        with contextlib.suppress(OSError):
            writer.close()


# --------------------------------------------------------------------------- one capped task


class CappedTaskError(Exception):
    """A capped task ran past its deadline or its process died (e.g. at the memory cap)."""


async def run_capped(
    function: Callable[..., Any],
    *args: Any,
    deadline_s: float,
    memory_limit: int | None,
    warm_up: Callable[[], Any] | None = None,
) -> Any:
    """`function(*args)` in a worker process of its own, under the parse pool's limits.

    The same fork server, initializer (Ctrl+C ignored, RLIMIT_DATA heap cap) and kill
    as `ParsePool`: past `deadline_s` (or on cancellation) the process is killed, not
    awaited. What `function` raises is re-raised here (MemoryError included, when it
    reaches the cap); a process that dies, or a deadline, is CappedTaskError.
    `warm_up` runs first in the same process (imports), outside the deadline.
    Used for full-article extraction (tui.fulltext), one page at a time.
    """
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    ctx = _mp_context()
    _start_helpers(ctx)
    executor = ProcessPoolExecutor(
        max_workers=1, mp_context=ctx, initializer=_worker_init, initargs=(memory_limit,)
    )
    finished = False
    try:
        if warm_up is not None:
            warming = executor.submit(warm_up)
            await asyncio.wait_for(asyncio.wrap_future(warming), WARM_UP_TIMEOUT_S)
        future = executor.submit(function, *args)
        result = await asyncio.wait_for(asyncio.wrap_future(future), deadline_s)
        finished = True
        return result
    except TimeoutError:
        raise CappedTaskError(f"took longer than {deadline_s:g} s and was stopped") from None
    except BrokenProcessPool:
        raise CappedTaskError("its process died (probably at the memory limit)") from None
    finally:
        if finished:
            executor.shutdown(wait=True)
        else:
            _kill_executor(executor)
