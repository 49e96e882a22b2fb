"""`python -m tui` runs the aigeo command line."""

from tui.cli.group import run

# Guarded: parse worker processes (forkserver/spawn) re-import the main module.
if __name__ == "__main__":
    run()
