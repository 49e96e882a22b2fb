"""aigeo: a terminal dashboard for tracking the geopolitics of AI.

The core (store, themes, ingest, poller, cli) never imports Textual; only `tui.ui` does.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("aigeo")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
