"""The parse pool (tui.feeds.workers.ParsePool) when a stop kills its workers mid-result.

A worker killed while writing its result leaves half a message in the pool's result
pipe; the executor's manager thread used to wait for the rest forever, and the process
then hung at exit (concurrent.futures joins that thread): a Ctrl+C'd refresh never
ended. Here a real worker process writes half a message on purpose and waits, and the
pool is stopped as a cancelled refresh stops it.
"""

from __future__ import annotations

import asyncio
import contextlib
import struct
import sys
import time
from pathlib import Path
from typing import Any

from tui.feeds.workers import ParseJob, ParseOutcome, ParsePool


def half_a_result(job: ParseJob) -> ParseOutcome:
    """Runs in the worker: write the start of a 1 MiB result message, say so, wait."""
    frame: Any = sys._getframe()
    while frame is not None and "result_queue" not in frame.f_locals:
        frame = frame.f_back
    assert frame is not None, "not called from concurrent.futures' worker loop"
    result_queue = frame.f_locals["result_queue"]
    result_queue._writer._send(struct.pack("!i", 1 << 20) + b"x" * 100)
    Path(job.body.decode()).write_text("written")
    time.sleep(600)
    raise AssertionError("the worker should have been killed")


def test_a_stop_while_a_worker_writes_its_result_ends_the_pool(tmp_path: Path) -> None:
    marker = tmp_path / "half-written"

    async def scenario() -> Any:
        pool = ParsePool(1, 120.0, parser=half_a_result, memory_limit=None)
        parse = asyncio.create_task(pool.run(ParseJob(str(marker).encode(), "https://e.org/f")))
        for _ in range(600):  # the worker starts (forkserver) and writes: seconds at most
            if marker.exists() or parse.done():
                break
            await asyncio.sleep(0.1)
        assert marker.exists(), "the worker never ran"
        await asyncio.sleep(0.3)  # the manager thread is now reading the half message
        assert pool._executor is not None
        manager = pool._executor._executor_manager_thread  # type: ignore[attr-defined]
        parse.cancel()  # what Ctrl+C does to a refresh: the job is abandoned ...
        with contextlib.suppress(asyncio.CancelledError):
            await parse
        result_queue = pool._executor._result_queue  # type: ignore[attr-defined]
        pool.close()  # ... and close() kills the worker
        return manager, result_queue

    manager, result_queue = asyncio.run(scenario())
    manager.join(30)
    stuck = manager.is_alive()
    if stuck:  # release it anyway, or this test process would hang at exit
        result_queue._writer.close()
        manager.join(30)
    assert not stuck, "the pool's manager thread still waits for the rest of the message"
