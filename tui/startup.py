"""Start-up without the cyclic garbage collector: at start-up it has nothing to find.

Importing aigeo and Textual and building the dashboard allocates a few hundred thousand
objects (modules, classes, functions, parsed CSS, widgets), nearly all of which live as
long as the process. CPython's collector, run every 700 net allocations, walked them ~150
times before the dashboard's first frame: ~45 ms of a ~400 ms start at 100k items (one
full collection alone ~30 ms), measured with gc.callbacks. The entry point (tui.entry)
pauses it first thing. `resume_collector` ends the pause once start-up is over — after
the dashboard's first frame, or once a command's modules are imported — with gc.freeze:
everything alive then moves to the permanent generation, so later collections skip it
(shorter pauses while typing) and a forked child shares those pages.

Only a pause made here is resumed: a process that never paused (the tests, a program
that imports aigeo) keeps its collector as it was.
"""

from __future__ import annotations

import gc


class _Pause:
    """Whether this module turned the collector off (and so may turn it back on)."""

    active = False


def pause_collector() -> None:
    """Turn the cyclic collector off for start-up, if it is on."""
    if gc.isenabled():
        gc.disable()
        _Pause.active = True


def resume_collector() -> None:
    """End the start-up pause: freeze what start-up made, collect again. Idempotent."""
    if _Pause.active:
        _Pause.active = False
        gc.freeze()
        gc.enable()


def collector_paused() -> bool:
    """Whether a start-up pause is in force (for tests and the dashboard's fallback)."""
    return _Pause.active
