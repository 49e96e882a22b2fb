"""aigeo: a terminal dashboard for tracking the geopolitics of AI.

Packages name the architecture (docs/ARCHITECTURE.md): `store` (the only SQL), `feeds`
(fetch, parse, poll), `themes` (the classifier), `analysis` (stories, trends, briefs),
`cli` (headless commands) and `ui` (Textual); `model`, `text`, `query`, `config`,
`corpus`, `ingest` and `item_body` are shared modules. The core never imports Textual;
only `tui.ui` does.
"""

from __future__ import annotations

#: The version, kept equal to pyproject.toml's (tests/test_version.py checks both it and the
#: installed metadata). A literal: every refresh puts it in its User-Agent, and reading
#: it through importlib.metadata cost ~30 ms of imports (zipfile, email, csv) each time.
__version__ = "0.1.0"
