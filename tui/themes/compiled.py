"""The pieces of a compiled lexicon: contexts, rules, keys, scanned documents, tallies,
settings. Built by tui.themes.builder, read by the scorer in tui.themes.lexicon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tui.themes.tokens import _CASED

# --- compiled lexicon pieces -------------------------------------------------------------

GATE, THEMES, ACTORS = 0, 1, 2
CO_ACTORS, LEARNED = 3, 4  # trace entries of the rules above phrases (explain only)
_NAMESPACES = ("ai_context", "themes", "actors", "themes", "learned")


def _slots_state(self: object) -> tuple[object, ...]:
    """Pickle state of a frozen slots dataclass: its field values in order (dataclass's
    own __setstate__ looks the fields up again for every object: a cached lexicon's
    ~3,500 rules loaded 3x slower)."""
    return tuple(getattr(self, name) for name in type(self).__slots__)  # type: ignore[attr-defined]


def _set_slots_state(self: object, state: tuple[object, ...]) -> None:
    for name, value in zip(type(self).__slots__, state, strict=True):  # type: ignore[attr-defined]
        object.__setattr__(self, name, value)


@dataclass(frozen=True, slots=True)
class _Context:
    """A list of words/phrases, split for fast membership tests."""

    single: frozenset[bytes]
    multi: tuple[bytes, ...]  # padded: b" open source "

    def __bool__(self) -> bool:
        return bool(self.single or self.multi)

    __getstate__ = _slots_state
    __setstate__ = _set_slots_state


@dataclass(frozen=True, slots=True)
class _Rule:
    """One lexicon entry for one key and one target (the gate, a theme, an actor)."""

    weight: float
    case: re.Pattern[bytes] | None = None  # exact case, several words
    case_word: bytes = b""  # exact case, one word: b" AI " looked up in _Doc.cased
    near: _Context | None = None
    window: int = 0
    unless: _Context | None = None
    unless_window: int = 0
    needs_ai: bool = False
    plain: bool = True  # a bare count: no case, context or gate condition

    __getstate__ = _slots_state
    __setstate__ = _set_slots_state


@dataclass(slots=True, eq=False)
class _Key:
    """A distinct lowercase token sequence, shared by all entries that spell it."""

    tokens: tuple[bytes, ...]
    padded: bytes
    cjk: str = ""  # entries in CJK script: counted as a substring of the text
    # pairs after the first (3+ tokens), not starting with a stop word: a cheap pre-check
    inner: tuple[tuple[bytes, bytes], ...] = ()
    # per namespace: the target → rules (alternatives) and the longer keys containing it
    # (for themes, per target: only longer keys that list that theme themselves, or
    # ignore phrases, cancel it; see tui.themes.builder._link_supers)
    rules: list[dict[int, list[_Rule]]] = field(default_factory=lambda: [{}, {}, {}])
    supers: list[tuple[_Key, ...]] = field(default_factory=lambda: [(), (), ()])
    theme_supers: dict[int, tuple[_Key, ...]] = field(default_factory=dict)
    # frozen for the hot loop: plain rules by namespace (gate weight, (theme, weight,
    # longer keys) triples, actor indexes), rules with conditions as (namespace, target,
    # rules, longer keys), and the longer keys per namespace (None when there are none)
    gate_w: float = 0.0
    theme_w: tuple[tuple[int, float, tuple[_Key, ...]], ...] = ()
    actor_ids: tuple[int, ...] = ()
    slow: tuple[tuple[int, int, tuple[_Rule, ...], tuple[_Key, ...]], ...] = ()
    subs: tuple[tuple[_Key, ...], ...] | None = None

    def longer(self, ns: int, target: int) -> tuple[_Key, ...]:
        """The longer keys whose matches do not count as matches of this one."""
        if ns == THEMES:
            return self.theme_supers.get(target, ())
        return self.supers[ns]

    def freeze(self) -> None:
        """Fix the rules into the tuples the hot loop reads, once the lexicon is complete.

        Plain alternatives for one target collapse into the one with the largest weight
        (the best alternative is what counts); a target with conditional rules keeps all.
        """
        themes: list[tuple[int, float, tuple[_Key, ...]]] = []
        actors: list[int] = []
        slow: list[tuple[int, int, tuple[_Rule, ...], tuple[_Key, ...]]] = []
        for ns, targets in enumerate(self.rules):
            for target, rules in targets.items():
                plain = [r for r in rules if r.plain]
                other = [r for r in rules if not r.plain]
                best = max(plain, key=lambda r: abs(r.weight)) if plain else None
                if other:
                    alts = tuple(([best] if best else []) + other)
                    slow.append((ns, target, alts, self.longer(ns, target)))
                elif best is None:
                    continue
                elif ns == GATE:
                    self.gate_w = best.weight
                elif ns == THEMES:
                    themes.append((target, best.weight, self.longer(ns, target)))
                else:
                    actors.append(target)
        self.theme_w, self.actor_ids, self.slow = tuple(themes), tuple(actors), tuple(slow)
        self.subs = tuple(self.supers) if any(self.supers) else None


@dataclass(slots=True)
class _Doc:
    """One scanned text (a title or a body)."""

    raw: bytes
    toks: list[bytes]
    counts: dict[bytes, int]  # occurrences of the tokens the lexicon knows (see _vocab)
    found: dict[_Key, int]
    _norm: bytes | None = None
    _cased: bytes | None = None

    @property
    def norm(self) -> bytes:
        """The tokens joined by single spaces, padded: b" a b c "."""
        if self._norm is None:
            self._norm = b" " + b" ".join(self.toks) + b" "
        return self._norm

    @property
    def cased(self) -> bytes:
        """The raw text with every non-word byte turned into a space, case kept."""
        if self._cased is None:
            self._cased = b" " + self.raw.translate(_CASED) + b" "
        return self._cased


_Pending = tuple[int, int, tuple[_Rule, ...], _Key, int, _Doc, tuple[_Doc, _Doc], bool, float]


@dataclass(slots=True)
class _Tally:
    """Running sums for one item: the AI-context score, theme scores, actor mentions."""

    gate: float
    themes: list[float]
    actors: dict[int, float]  # actor index → mentions (only actors that were named)
    pending: list[_Pending] = field(default_factory=list)  # rules that wait for the gate
    trace: list[tuple[int, int, _Key | str, float]] | None = None


ALL = (True, True, True)
GATE_ONLY = (True, False, False)
NOT_GATE = (False, True, True)


class LexiconError(ValueError):
    """The lexicon file is missing, is not valid TOML, or does not follow the schema."""


@dataclass(frozen=True, slots=True)
class _Settings:
    ai_threshold: float = 2.0
    theme_threshold: float = 3.0
    title_weight: float = 2.5
    max_chars: int = 32_000
    ref_tokens: int = 600
    score_scale: float = 8.0
    saturation: float = 3.0
