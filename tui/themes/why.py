""" "Why this theme?": the phrases and actors that gave an item its themes.

Built on `Lexicon.explain` (every hit with its contribution). Per theme the phrases are
summed over title and body and ranked by contribution; rules above phrases appear as
plain-language entries ("actors of every side named", "your decisions" for the learned
model). Used by `items --json`, `classify --json` and the reading pane.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tui.themes.lexicon import Lexicon
from tui.themes.loader import load_lexicon

TOP_PHRASES = 6


def why(
    lexicon: Lexicon, title: str, text: str, themes: Iterable[str] | None = None
) -> dict[str, Any]:
    """{"themes": {id: [{"phrase", "score"}, ...]}, "actors": {name: [alias, ...]},
    "ai_context": [{"phrase", "score"}, ...]} for one text.

    `themes` limits the theme entries to those ids (default: the themes the lexicon
    gives the text). Only positive contributions are listed, strongest first.
    """
    wanted = set(themes) if themes is not None else set(lexicon.classify(title, text).theme_ids())
    per_theme: dict[str, dict[str, float]] = {}
    gate: dict[str, float] = {}
    actors: dict[str, set[str]] = {}
    for section, target, phrase, value in lexicon.explain(title, text):
        if section == "ai_context":
            gate[phrase] = gate.get(phrase, 0.0) + value
        elif section == "actors":
            actors.setdefault(target, set()).add(phrase)
        elif target in wanted:
            hits = per_theme.setdefault(target, {})
            hits[phrase] = hits.get(phrase, 0.0) + value
    return {
        "themes": {tid: _ranked(per_theme.get(tid, {})) for tid in sorted(wanted)},
        "actors": {name: sorted(aliases) for name, aliases in sorted(actors.items())},
        "ai_context": _ranked(gate),
    }


def _ranked(hits: dict[str, float]) -> list[dict[str, Any]]:
    best = sorted(((p, v) for p, v in hits.items() if v > 0), key=lambda pv: (-pv[1], pv[0]))
    return [{"phrase": p, "score": round(v, 2)} for p, v in best[:TOP_PHRASES]]


def why_line(title: str, text: str, themes: Iterable[str]) -> str:
    """One line for the reading pane: "chips: export controls, h20 · us-china: …".

    Themes the user decided have no "why" (they are the user's); an empty string when
    no rule theme is given or the lexicon cannot be loaded.
    """
    wanted = list(themes)
    if not wanted:
        return ""
    try:
        lexicon = load_lexicon()
    except Exception:  # the reader must still show the item
        return ""
    found = why(lexicon, title, text, wanted)["themes"]
    parts = []
    for tid in wanted:
        phrases = [h["phrase"] for h in found.get(tid, [])[:4]]
        if phrases:
            parts.append(f"{tid}: {', '.join(phrases)}")
    return " · ".join(parts)
