"""`python -m tui` runs the aigeo command line."""

from tui.cli import run

run()
