"""The refresh's store thread: one thread, one connection, every store call of a refresh."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from tui.store import Store

T = TypeVar("T")


class StoreThread:
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
