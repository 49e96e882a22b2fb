"""The refresh's intake gate (tui.feeds.intake): places, bytes, order, cancellation."""

from __future__ import annotations

import asyncio

from tui.feeds.intake import Intake


def test_places_and_bytes_bound_who_enters_first_come_first_served() -> None:
    async def scenario() -> list[str]:
        gate = Intake(2, max_bytes=100)
        order: list[str] = []

        async def source(name: str) -> None:
            await gate.enter()
            order.append(name)

        await gate.enter()
        gate.hold(150)  # one body over the budget: nobody else starts a fetch
        waiting = [asyncio.create_task(source(n)) for n in "abc"]
        await asyncio.sleep(0)
        assert order == [] and gate.sources == 1
        gate.leave(150)  # room for two: a and b, in the order they came
        await asyncio.sleep(0)
        assert order == ["a", "b"] and gate.sources == 2 and gate.peak == 2
        gate.leave(0)
        await asyncio.gather(*waiting)
        return order

    assert asyncio.run(scenario()) == ["a", "b", "c"]


def test_a_cancelled_waiter_gives_its_place_on() -> None:
    async def scenario() -> tuple[int, bool]:
        gate = Intake(1)
        await gate.enter()
        first = asyncio.create_task(gate.enter())
        second = asyncio.create_task(gate.enter())
        await asyncio.sleep(0)
        gate.leave(0)  # admits `first`, which is cancelled before it runs
        first.cancel()
        await asyncio.sleep(0)
        await asyncio.wait_for(second, 1)  # the place went on to `second`
        return gate.sources, first.cancelled()

    assert asyncio.run(scenario()) == (1, True)
