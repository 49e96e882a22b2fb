"""Themes: the lexicon classifier (compiled from seeds/themes.toml and the user's overlay)
and learning from the user's theme decisions.

Callers outside this package import from here; the modules inside import each other.
"""

from __future__ import annotations

from tui.themes.lexicon import (
    USER_OVERLAY,
    Lexicon,
    LexiconError,
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
