"""Imported by the parse pool's fork server only (tui.feeds.workers.FORKSERVER_PRELOAD).

Compiles the theme lexicon there, once, so every worker forked from the server starts
with it instead of compiling it again (~0.1 s of CPU per worker and refresh).
`load_lexicon` is cached on the file's path, mtime and size, so an edited lexicon is
still picked up: a worker recompiles it on its first call.
"""

from __future__ import annotations

import contextlib

from tui.themes import load_lexicon

with contextlib.suppress(Exception):  # a broken lexicon is reported by the workers' own load
    load_lexicon()
