"""Accepting learned phrases: appending them to the user's lexicon overlay
(themes.local.toml) as TOML, then re-theming the store with the new lexicon.

With the shipped lexicon the user's model is retrained against the new one first, as
`aigeo retheme` does: the re-themed store (and the dashboard's lexicon) keep what the
model learned instead of losing it until the next `aigeo retheme`, and the model's
lexicon-score feature is the new lexicon's (measured on the dev-set simulation: the
old model kept or retrained gives the same gain; dropping it loses 1.3 F1 points).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tui.plain_text import one_line
from tui.store import Store
from tui.themes.learning import Suggestion
from tui.themes.lexicon import Lexicon
from tui.themes.loader import (
    load_lexicon,
    user_overlay_path,
)

_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f"}
_TOML_ESCAPES["\r"] = "\\r"


def toml_string(value: str) -> str:
    """A TOML basic string for any text: quotes, backslashes and controls escaped."""
    out = []
    for ch in value:
        if ch in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[ch])
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F or 0xD800 <= ord(ch) <= 0xDFFF:
            out.append(f"\\u{ord(ch):04X}" if ord(ch) < 0xD800 else "\\uFFFD")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _comment(text: str) -> str:
    """Text safe for a one-line TOML comment."""
    return one_line(text, 200).replace("\r", " ").replace("\n", " ")


OVERLAY_HEADER = (
    "# aigeo: phrases learned from your theme decisions (`L` in the dashboard, or\n"
    "# `aigeo learned --accept`). Merged into the shipped lexicon; edit or delete freely,\n"
    "# then re-theme (`aigeo retheme`).\n"
)


def overlay_block(suggestions: Sequence[Suggestion], when: datetime | None = None) -> str:
    """The TOML appended to the overlay for accepted suggestions, one table per theme."""
    stamp = (when or datetime.now(UTC)).date().isoformat()
    lines: list[str] = []
    themes = list(dict.fromkeys(s.theme for s in suggestions))
    for theme in themes:
        lines += ["", f"# learned {stamp}", "[[themes]]", f"id = {toml_string(theme)}"]
        lines.append("[themes.phrases]")
        for s in suggestions:
            if s.theme == theme:
                note = _comment(s.evidence())
                lines.append(f"{toml_string(s.phrase)} = {float(s.weight)!r}  # {note}")
    return "\n".join(lines) + "\n"


def append_to_overlay(
    suggestions: Sequence[Suggestion],
    path: Path | None = None,
    *,
    lexicon_path: Path | None = None,
    when: datetime | None = None,
) -> Path:
    """Append accepted suggestions to the overlay file (atomically), checked by loading.

    If the result does not load as a lexicon overlay, the file is left as it was and
    LexiconError is raised.
    """
    path = path or user_overlay_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    new = (old or OVERLAY_HEADER) + overlay_block(suggestions, when)
    fd, tmp = tempfile.mkstemp(prefix=".themes.", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(new)
        load_lexicon(lexicon_path, Path(tmp))  # refuse to install a broken overlay
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


@dataclass(slots=True)
class Applied:
    """What accepting suggestions did to the store."""

    overlay: Path
    phrases: int
    items: int  # items re-themed
    changes: dict[str, tuple[int, int]]  # theme id → (items before, items after)


def accept(
    store: Store,
    suggestions: Sequence[Suggestion],
    *,
    overlay: Path | None = None,
    lexicon_path: Path | None = None,
    model_path: Path | None = None,
) -> tuple[Applied, Lexicon]:
    """Write suggestions to the overlay, then re-theme the store with the new lexicon
    (the shipped one: blended with the user's model retrained on the store's decisions,
    saved at `model_path`, default the user's model file)."""
    from tui.ingest import retheme
    from tui.themes.training import retrain

    if not suggestions:
        raise ValueError("nothing to accept")
    before = {t: n for t, (n, _) in store.theme_counts().items()}
    path = append_to_overlay(suggestions, overlay, lexicon_path=lexicon_path)
    lexicon = load_lexicon(lexicon_path, path)
    if lexicon_path is None:  # the model belongs to the shipped lexicon (load_lexicon)
        lexicon = retrain(store, lexicon, model_path)
    items = retheme(store, lexicon)
    after = {t: n for t, (n, _) in store.theme_counts().items()}
    changes = {
        t: (before.get(t, 0), after.get(t, 0))
        for t in sorted(set(before) | set(after))
        if before.get(t, 0) != after.get(t, 0)
    }
    return Applied(path, len(suggestions), items, changes), lexicon
