"""aigeo: a terminal dashboard for tracking the geopolitics of AI.

Packages name the architecture (docs/ARCHITECTURE.md): `store` (the only SQL), `feeds`
(fetch, parse, poll), `themes` (the classifier), `analysis` (stories, trends, briefs),
`cli` (headless commands) and `ui` (Textual); `model`, `text`, `query`, `config`,
`corpus`, `ingest` and `item_body` are shared modules. The core never imports Textual;
only `tui.ui` does.
"""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """`__version__`, read from the installed metadata on first use (importlib.metadata
    costs ~35 ms to import: the dashboard and most commands never need it)."""
    if name != "__version__":
        raise AttributeError(f"module 'tui' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("aigeo")
    except PackageNotFoundError:  # running from a source tree that is not installed
        found = "0.0.0"
    globals()["__version__"] = found
    return found
