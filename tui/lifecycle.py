"""Helper processes die with the aigeo process that needs them.

multiprocessing's helpers outlive a killed parent: each worker holds the write end of
its own call queue (so it never sees EOF) and a copy of the fork server's "alive" pipe
(so the fork server never sees EOF either), and the resource tracker lives while any of
them holds its pipe. A `kill -9`, a SIGTERM or a cron timeout left four processes per
refresh, some still parsing minutes later.

The chain is cut at two links, each within a second of a death:

- the fork server runs `watch_owner()` (from tui.forkserver_watch, the first module
  it preloads): a daemon thread that exits the process as soon as its parent is gone. Not
  PR_SET_PDEATHSIG there: that signal follows the parent *thread*, and the dashboard
  starts the fork server from a refresh thread that ends after every refresh;
- every worker calls `die_with_parent()` first in its initializer: PR_SET_PDEATHSIG
  (SIGKILL) on Linux, whose parent thread is the fork server's main thread (the one
  that forks), plus a check that the parent did not die before the signal was armed;
  elsewhere the same thread as the fork server's. That check compares with the pid
  the parent is known to have (the fork server records its own before forking; a
  spawned worker has multiprocessing's parent record), never with a `getppid()` read
  in the worker: a fork server that died before that read left the worker adopted by
  init, the check passed, and the worker kept the resource tracker alive for ever.

The resource tracker then sees EOF on its pipe (every holder is dead) and exits.
New worker kinds (full-article extraction, re-theme) call `die_with_parent()` first.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
PARENT_POLL_S = 0.2
OWNER_VARIABLE = "AIGEO_HELPER_OWNER"  # the pid of the aigeo process that started helpers

# Set in the fork server (by `watch_owner`): every worker forked from it inherits it and
# so knows which pid its parent must have.
_fork_server_pid: int | None = None


def _set_parent_death_signal(sig: int) -> bool:
    """prctl(PR_SET_PDEATHSIG, sig) on Linux; False where it is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def expected_parent() -> int:
    """The pid this worker's parent must have: the fork server it was forked from (which
    recorded its pid), else the process that spawned it; `getppid()` when neither is
    known (a fork server that could not import tui.forkserver_watch)."""
    if _fork_server_pid is not None and _fork_server_pid != os.getpid():
        return _fork_server_pid
    forkserver = sys.modules.get("multiprocessing.forkserver")
    if forkserver is not None and forkserver._forkserver._forkserver_address is not None:
        return os.getppid()  # forked by a fork server: multiprocessing names aigeo instead
    import multiprocessing

    spawner = multiprocessing.parent_process()
    if spawner is not None and spawner.pid is not None:
        return spawner.pid
    return os.getppid()


def die_with_parent() -> None:
    """In a worker: be killed when the parent process dies (or exit now if it has)."""
    parent = expected_parent()
    if not _set_parent_death_signal(signal.SIGKILL):
        watch_parent(parent)
    if os.getppid() != parent:  # the parent died before the death signal was armed
        os._exit(1)


def watch_parent(parent: int | None = None) -> None:
    """Exit this process (without cleanup) as soon as `parent` (default: the current
    parent) is no longer its parent. A daemon thread polls every PARENT_POLL_S."""
    expected = os.getppid() if parent is None else parent

    def watch() -> None:
        while os.getppid() == expected:
            time.sleep(PARENT_POLL_S)
        os._exit(1)

    threading.Thread(target=watch, name="aigeo-parent-watch", daemon=True).start()


def mark_owner() -> None:
    """Record this process as the owner of helpers it is about to start (inherited by
    the fork server through the environment; see `watch_owner`)."""
    os.environ[OWNER_VARIABLE] = str(os.getpid())


def watch_owner() -> None:
    """In the fork server: exit with the aigeo process that started it. That process
    wrote its pid just before starting us; a different parent now means it is dead
    already (it died while we imported the preload modules)."""
    global _fork_server_pid
    _fork_server_pid = os.getpid()
    with contextlib.suppress(ValueError):
        owner = int(os.environ.get(OWNER_VARIABLE, "0"))
        if owner and owner != os.getppid():
            os._exit(1)
        if owner:
            watch_parent(owner)
