"""How many fetched feeds a refresh holds at once (bodies and parsed entries in memory).

A cold refresh fetches faster than it parses: with every source's fetch started at once,
the bodies waiting for a parse worker piled up in the refresh process (500 farm feeds:
342 bodies, 121 MiB, before the first hundred were parsed). `Intake` admits a source
from the start of its fetch until its result is stored, at most `max_sources` of them
and, once `max_bytes` of bodies are held, no more until some are stored, so what the
refresh holds is bounded by a constant, not by the number of feeds.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque

#: Sources admitted beyond the fetch concurrency, per parse worker: enough that a worker
#: finishing a parse finds the next body already fetched, even from a slow server
#: (~2.5 MiB of farm bodies a worker; 2 a worker kept up on an idle machine, but fetched
#: too little ahead when the farm itself was starved of CPU).
PER_WORKER = 8
#: Bodies held (fetched, not yet stored) past which no new fetch starts.
MAX_HELD_BYTES = 48 * 1024 * 1024


def intake_limit(concurrency: int, workers: int) -> int:
    """Sources a refresh holds at once: every fetch slot, plus a few per parse worker."""
    return max(1, concurrency) + PER_WORKER * max(1, workers)


class Intake:
    """A counting gate with a byte budget, first come first served.

    `enter` waits for room; `hold(n)` counts a fetched body's bytes; `leave(n)` (not a
    coroutine, so it is safe in a `finally` of a cancelled task) gives both back and
    admits the next waiter. `peak` is the most sources held at once.
    """

    def __init__(self, max_sources: int, max_bytes: int = MAX_HELD_BYTES) -> None:
        self.max_sources = max(1, max_sources)
        self.max_bytes = max_bytes
        self.sources = 0
        self.nbytes = 0
        self.peak = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    def _room(self) -> bool:
        return self.sources < self.max_sources and self.nbytes < self.max_bytes

    def _admit(self) -> None:
        self.sources += 1
        self.peak = max(self.peak, self.sources)

    async def enter(self) -> None:
        """Wait until the gate has room, then take a place (FIFO among waiters)."""
        if not self._waiters and self._room():
            self._admit()
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter  # `_wake` took the place for us
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.leave(0)  # admitted, then cancelled: pass the place on
            else:
                with contextlib.suppress(ValueError):  # `_wake` may have dropped it
                    self._waiters.remove(waiter)
            raise

    def hold(self, nbytes: int) -> None:
        """Count the bytes of a body fetched by an admitted source."""
        self.nbytes += nbytes

    def leave(self, nbytes: int) -> None:
        """Give back a place and the bytes held with it; admit whoever now fits."""
        self.sources -= 1
        self.nbytes -= nbytes
        self._wake()

    def _wake(self) -> None:
        while self._waiters and self._room():
            waiter = self._waiters.popleft()
            if not waiter.done():
                self._admit()
                waiter.set_result(None)
