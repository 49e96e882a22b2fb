"""`python -m tui` runs the aigeo command line."""

# Guarded: parse worker processes (forkserver/spawn) re-import the main module.
if __name__ == "__main__":
    from tui.entry import run

    run()
