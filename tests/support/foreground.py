"""Start test processes the way a terminal starts a foreground job.

A shell without job control starts background commands with SIGINT ignored, and a
child keeps an ignored signal: a test suite launched that way (`pytest … &` in a
script) ran `aigeo poll` deaf to the Ctrl-C the test sent, and waited out its timeout.
Pass `preexec_fn=as_foreground_job` to any Popen a test will stop with SIGINT.
"""

from __future__ import annotations

import signal


def as_foreground_job() -> None:
    """In the child before exec: SIGINT and SIGQUIT back to their default actions."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)
