"""The `aigeo` command's first module: pause the collector, then load the command line.

Kept apart from tui.cli.group so that the pause (tui.startup) comes before the imports it
is for: click, the store, Textual.
"""

from __future__ import annotations

from tui.startup import pause_collector


def run() -> None:
    """Entry point of `aigeo` and `python -m tui` (see tui.cli.group.run)."""
    pause_collector()
    from tui.cli.group import run as run_command_line

    run_command_line()
