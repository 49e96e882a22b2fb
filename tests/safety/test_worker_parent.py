"""A worker whose fork server dies before the worker starts dies too.

The race behind an orphaned worker (and with it the resource tracker, held open by the
worker): the fork server forks a worker and is killed before the worker's initializer
runs `die_with_parent()`. The worker, already adopted by init, used to read its parent
pid *then* and found nothing amiss. Here a stand-in fork server (a real process running
`watch_owner()`, as tui.forkserver_watch does) forks a child and exits at once; the
child waits until it has been adopted, then calls `die_with_parent()`. A pipe tells the
test what the child did: EOF without a word means it exited where it should.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import textwrap
import time

import pytest

from tests.support.writers import REPO

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")

FORK_SERVER = textwrap.dedent(
    """
    import os, sys, time
    from tui.lifecycle import die_with_parent, watch_owner

    out = int(sys.argv[1])
    adopt_first = sys.argv[2] == "adopted"
    watch_owner()  # what the real fork server runs first: it records its own pid
    server = os.getpid()
    if os.fork() == 0:
        if adopt_first:
            deadline = time.monotonic() + 60
            while os.getppid() == server and time.monotonic() < deadline:
                time.sleep(0.01)
        die_with_parent()
        os.write(out, b"armed;")
        if adopt_first:
            os.write(out, b"survived;")
            os._exit(0)
        deadline = time.monotonic() + 60  # now wait for the server to die, and us with it
        while time.monotonic() < deadline:
            time.sleep(0.05)
        os.write(out, b"survived;")
        os._exit(0)
    if not adopt_first:
        os.read(int(sys.argv[3]), 1)  # the test says when the child has armed
    os._exit(0)
    """
)


def read_until_eof(fd: int, limit_s: float = 120.0) -> bytes:
    """Everything written to the pipe until every writer is gone (or `limit_s` passes)."""
    data = b""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1.0)
        if not ready:
            continue
        chunk = os.read(fd, 1024)
        if not chunk:
            return data
        data += chunk
    return data + b"(still open)"


def run_server(mode: str) -> tuple[subprocess.Popen[bytes], int, int]:
    """Start the stand-in fork server; returns it, the read end and the release pipe."""
    out_r, out_w = os.pipe()
    go_r, go_w = os.pipe()
    env = {k: v for k, v in os.environ.items() if k != "AIGEO_HELPER_OWNER"}
    server = subprocess.Popen(
        [sys.executable, "-c", FORK_SERVER, str(out_w), mode, str(go_r)],
        pass_fds=(out_w, go_r),
        cwd=REPO,
        env=env,
    )
    os.close(out_w)
    os.close(go_r)
    return server, out_r, go_w


def test_worker_adopted_before_its_initializer_exits() -> None:
    server, out, go = run_server("adopted")
    try:
        assert server.wait(60) == 0
        assert read_until_eof(out) == b""
    finally:
        os.close(out)
        os.close(go)


def test_worker_armed_while_its_server_lives_dies_with_it() -> None:
    server, out, go = run_server("alive")
    try:
        assert os.read(out, len(b"armed;")) == b"armed;"
        os.write(go, b"x")  # let the server exit
        assert server.wait(60) == 0
        assert read_until_eof(out) == b""
    finally:
        os.close(out)
        os.close(go)
