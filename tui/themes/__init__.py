"""Themes: the lexicon classifier (compiled from seeds/themes.toml and the user's overlay)
and learning from the user's theme decisions.

`tokens` (text → tokens), `compiled` (the compiled lexicon's pieces), `builder` (TOML
schema → compiled lexicon), `lexicon` (the Lexicon: scoring, SCORING_VERSION), `loader`
(files, overlay, cache, version hash), `learning` (suggestions from decisions).
Callers outside this package import from here; the modules inside import each other.
"""

from __future__ import annotations

from tui.themes.compiled import LexiconError
from tui.themes.lexicon import Lexicon
from tui.themes.loader import (
    USER_OVERLAY,
    default_lexicon_path,
    load_lexicon,
    user_overlay_path,
)

__all__ = [
    "USER_OVERLAY",
    "Lexicon",
    "LexiconError",
    "default_lexicon_path",
    "load_lexicon",
    "user_overlay_path",
]
