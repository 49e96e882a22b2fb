"""Imported first by the parse pool's fork server (tui.parsework.FORKSERVER_PRELOAD):
the fork server exits as soon as the aigeo process that started it is gone
(tui.lifecycle explains why multiprocessing alone leaves it running)."""

from tui.lifecycle import watch_owner

watch_owner()
