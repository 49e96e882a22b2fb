"""Compiling a lexicon document: the TOML schema checks and the builder that indexes
keys and rules for the scorer.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from itertools import pairwise
from pathlib import Path
from typing import Any

from tui.model import ThemeDef
from tui.themes.compiled import ACTORS, GATE, THEMES, _Context, _Key, _Rule, _Settings
from tui.themes.lexicon import _THEME_ID_RE, ACTOR_KINDS, Lexicon
from tui.themes.rules import CoActors
from tui.themes.tokens import (
    _STOP_WORDS,
    _case_pattern,
    _norm_key,
    _prepare,
    _SchemaError,
    _split,
    _sub_spans,
    has_cjk,
)

_TOP_KEYS = {"classifier", "ai_context", "themes", "actors"}
_THEME_KEYS = {
    "id", "name", "description", "threshold", "actor_bonus", "co_actors", "opens_gate", "phrases"
}  # fmt: skip
_ACTOR_KEYS = {"name", "kind", "aliases"}
_TERM_KEYS = {"weight", "case", "near", "window", "unless", "unless_window"}
_ALIAS_KEYS = {"text", "case", "near", "window", "unless", "unless_window", "ai"}
_IGNORE_KEYS = {"ai_ignore": GATE, "theme_ignore": THEMES, "actor_ignore": ACTORS}


def _check_keys(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise _SchemaError(
            f"unknown key {unknown[0]!r} in {where} (allowed: {', '.join(sorted(allowed))})"
        )


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _SchemaError(f"{where} must be a number, not {value!r}")
    if not math.isfinite(value):
        raise _SchemaError(f"{where} must be finite, not {value!r}")
    return float(value)


def _int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _SchemaError(f"{where} must be a non-negative integer, not {value!r}")
    return value


def _str(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _SchemaError(f"{where} must be a non-empty string, not {value!r}")
    return value


def _str_list(value: Any, where: str) -> list[str]:
    if not isinstance(value, list):
        raise _SchemaError(f"{where} must be a list of strings, not {value!r}")
    return [_str(v, f"{where}[{i}]") for i, v in enumerate(value)]


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _SchemaError(f"{where} must be a table, not {value!r}")
    return value


class _Builder:
    """Turns the parsed TOML document into a Lexicon, validating as it goes."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.keys: dict[bytes, _Key] = {}
        self.ignored: list[set[bytes]] = [set(), set(), set()]
        self.actor_index: dict[str, int] = {}
        self.alias_owner: dict[bytes, tuple[int, str]] = {}
        self.co_actors: list[tuple[int, CoActors]] = []
        self.opens_gate: list[int] = []
        self.never_opens: list[int] = []

    def build(self, version: str, path: Path) -> Lexicon:
        _check_keys(self.doc, _TOP_KEYS, "the top level")
        settings, ignores = self._settings()
        actors = self._actors()
        self._gate()
        themes, thresholds, bonuses = self._themes(settings.theme_threshold)
        for ns, texts in ignores.items():
            for text in texts:
                self._ignore(ns, text)
        self._link_supers()
        lexicon = Lexicon(
            settings, themes, thresholds, bonuses, actors, self.keys, version, path, self.co_actors
        )
        lexicon.opens_gate = tuple(self.opens_gate)
        lexicon.never_opens = tuple(self.never_opens)
        return lexicon

    # sections ---------------------------------------------------------------------------

    def _settings(self) -> tuple[_Settings, dict[int, list[str]]]:
        table = _table(self.doc.get("classifier", {}), "[classifier]")
        numeric = set(_Settings.__dataclass_fields__)
        _check_keys(table, numeric | set(_IGNORE_KEYS), "[classifier]")
        values: dict[str, Any] = {}
        for name in numeric & set(table):
            where = f"[classifier].{name}"
            if name in ("max_chars", "ref_tokens"):
                values[name] = max(1, _int(table[name], where))
            else:
                values[name] = _number(table[name], where)
        if values.get("score_scale", 1.0) <= 0 or values.get("saturation", 1.0) < 1:
            raise _SchemaError("[classifier] score_scale must be > 0 and saturation >= 1")
        ignores = {
            ns: _str_list(table.get(name, []), f"[classifier].{name}")
            for name, ns in _IGNORE_KEYS.items()
        }
        return _Settings(**values), ignores

    def _gate(self) -> None:
        table = _table(self.doc.get("ai_context"), "[ai_context]")
        if not table:
            raise _SchemaError("[ai_context] must list at least one AI term")
        for text, spec in table.items():
            self._add_term(GATE, 0, text, spec, f"[ai_context] {text!r}")

    def _themes(self, default: float) -> tuple[list[ThemeDef], list[float], list[dict[int, float]]]:
        items = self.doc.get("themes")
        if not isinstance(items, list) or not items:
            raise _SchemaError("[[themes]] must define at least one theme")
        themes: list[ThemeDef] = []
        thresholds: list[float] = []
        bonuses: list[dict[int, float]] = []
        for i, raw in enumerate(items):
            table = _table(raw, f"[[themes]] #{i + 1}")
            tid = _str(table.get("id"), f"[[themes]] #{i + 1} id")
            where = f"theme {tid!r}"
            _check_keys(table, _THEME_KEYS, where)
            if not _THEME_ID_RE.match(tid):
                raise _SchemaError(f"{where}: id must be lowercase letters, digits and dashes")
            if tid in (t.id for t in themes):
                raise _SchemaError(f"{where}: duplicate theme id")
            name = _str(table.get("name"), f"{where} name")
            desc = table.get("description", "")
            if not isinstance(desc, str):
                raise _SchemaError(f"{where}: description must be a string")
            themes.append(ThemeDef(tid, name, desc))
            thresholds.append(_number(table.get("threshold", default), f"{where} threshold"))
            bonuses.append(self._bonus(table.get("actor_bonus", {}), where))
            opens = table.get("opens_gate")
            if opens is not None and not isinstance(opens, bool):
                raise _SchemaError(f"{where}: opens_gate must be true or false")
            if opens:
                self.opens_gate.append(i)
            elif opens is False:  # said explicitly: never, however dense (open-source software)
                self.never_opens.append(i)
            rules = table.get("co_actors", [])
            for rule in rules if isinstance(rules, list) else [rules]:
                self.co_actors.append((i, self._co(rule, where)))
            phrases = _table(table.get("phrases"), f"{where} phrases")
            if not phrases:
                raise _SchemaError(f"{where}: phrases must not be empty")
            for text, spec in phrases.items():
                self._add_term(THEMES, i, text, spec, f"{where} phrase {text!r}")
        return themes, thresholds, bonuses

    def _bonus(self, raw: Any, where: str) -> dict[int, float]:
        out: dict[int, float] = {}
        for actor, weight in _table(raw, f"{where} actor_bonus").items():
            if actor not in self.actor_index:
                raise _SchemaError(f"{where}: actor_bonus names unknown actor {actor!r}")
            out[self.actor_index[actor]] = _number(weight, f"{where} actor_bonus {actor!r}")
        return out

    def _co(self, raw: Any, where: str) -> CoActors:
        """`co_actors = { sides = [["United States", ...], ["China", ...]], weight = 1.0 }`."""
        table = _table(raw, f"{where} co_actors")
        _check_keys(table, {"sides", "weight"}, f"{where} co_actors")
        sides_raw = table.get("sides")
        if not isinstance(sides_raw, list) or len(sides_raw) < 2:
            raise _SchemaError(f"{where}: co_actors sides must list at least two sides")
        sides: list[frozenset[int]] = []
        for j, side in enumerate(sides_raw):
            names = _str_list(side, f"{where} co_actors side #{j + 1}")
            unknown = [n for n in names if n not in self.actor_index]
            if unknown:
                raise _SchemaError(f"{where}: co_actors names unknown actor {unknown[0]!r}")
            sides.append(frozenset(self.actor_index[n] for n in names))
        weight = _number(table.get("weight"), f"{where} co_actors weight")
        return CoActors(tuple(sides), weight)

    def _actors(self) -> list[tuple[str, str]]:
        items = self.doc.get("actors", [])
        if not isinstance(items, list):
            raise _SchemaError("[[actors]] must be an array of tables")
        out: list[tuple[str, str]] = []
        for i, raw in enumerate(items):
            table = _table(raw, f"[[actors]] #{i + 1}")
            name = _str(table.get("name"), f"[[actors]] #{i + 1} name")
            where = f"actor {name!r}"
            _check_keys(table, _ACTOR_KEYS, where)
            kind = table.get("kind")
            if kind not in ACTOR_KINDS:
                raise _SchemaError(f"{where}: kind must be one of {', '.join(ACTOR_KINDS)}")
            if name in self.actor_index:
                raise _SchemaError(f"{where}: duplicate actor name")
            self.actor_index[name] = len(out)
            out.append((name, kind))
            self._aliases(len(out) - 1, name, table.get("aliases", []), where)
        return out

    def _aliases(self, idx: int, name: str, raw: Any, where: str) -> None:
        if not isinstance(raw, list):
            raise _SchemaError(f"{where}: aliases must be a list")
        specs: list[tuple[str, Any]] = []
        for j, alias in enumerate(raw):
            if isinstance(alias, str):
                specs.append((alias, 1.0))
                continue
            table = _table(alias, f"{where} alias #{j + 1}")
            _check_keys(table, _ALIAS_KEYS, f"{where} alias #{j + 1}")
            text = _str(table.get("text"), f"{where} alias #{j + 1} text")
            specs.append((text, {k: v for k, v in table.items() if k != "text"}))
        overridden = {_norm_key(t) for t, spec in specs if isinstance(spec, dict)}
        if _norm_key(name) not in overridden and name not in (t for t, _ in specs):
            specs.append((name, 1.0))
        for text, spec in specs:
            self._add_term(ACTORS, idx, text, spec, f"{where} alias {text!r}", alias=True)

    # terms ----------------------------------------------------------------------------

    def _add_term(
        self, ns: int, target: int, text: str, spec: Any, where: str, alias: bool = False
    ) -> None:
        key = self._key(text, where)
        rule = self._rule(text, spec, where, alias)
        if ns == ACTORS:
            owner = self.alias_owner.setdefault(key.padded, (target, where))
            if owner[0] != target:
                raise _SchemaError(f"{where}: the same alias already belongs to {owner[1]}")
        key.rules[ns].setdefault(target, []).append(rule)

    def _ignore(self, ns: int, text: str) -> None:
        where = f"[classifier] {('ai_ignore', 'theme_ignore', 'actor_ignore')[ns]} {text!r}"
        key = self._key(text, where)
        if key.rules[ns]:
            raise _SchemaError(f"{where} is also a real entry; remove it from the ignore list")
        self.ignored[ns].add(key.padded)

    def _key(self, text: str, where: str) -> _Key:
        if not isinstance(text, str):
            raise _SchemaError(f"{where}: must be a string")
        if has_cjk(text):
            cjk = text.strip()
            padded = b"cjk:" + cjk.encode()
            key = self.keys.get(padded)
            if key is None:
                key = self.keys[padded] = _Key((padded,), padded, cjk=cjk)
            return key
        toks = tuple(_split(_prepare(text)))
        if not toks:
            raise _SchemaError(f"{where}: has no words to match")
        padded = b" " + b" ".join(toks) + b" "
        key = self.keys.get(padded)
        if key is None:
            inner = tuple(p for p in pairwise(toks[1:]) if p[0] not in _STOP_WORDS)
            key = self.keys[padded] = _Key(toks, padded, inner=inner)
        return key

    def _rule(self, text: str, spec: Any, where: str, alias: bool) -> _Rule:
        if not isinstance(spec, dict):
            return _Rule(weight=_number(spec, f"{where} weight"))
        _check_keys(spec, (_ALIAS_KEYS - {"text"}) if alias else _TERM_KEYS, where)
        case = spec.get("case", False)
        needs_ai = spec.get("ai", False)
        if not isinstance(case, bool) or not isinstance(needs_ai, bool):
            raise _SchemaError(f"{where}: case and ai must be true or false")
        near = self._context(spec.get("near"), f"{where} near")
        unless = self._context(spec.get("unless"), f"{where} unless")
        cased = _split(_prepare(text), lower=False) if case else []
        return _Rule(
            weight=1.0 if alias else _number(spec.get("weight"), f"{where} weight"),
            case=_case_pattern(text) if len(cased) > 1 else None,
            case_word=b" " + cased[0] + b" " if len(cased) == 1 else b"",
            near=near,
            window=_int(spec.get("window", 0), f"{where} window"),
            unless=unless,
            unless_window=_int(spec.get("unless_window", 0), f"{where} unless_window"),
            needs_ai=needs_ai,
            plain=not (case or needs_ai or near or unless),
        )

    @staticmethod
    def _context(raw: Any, where: str) -> _Context | None:
        if raw is None:
            return None
        single: set[bytes] = set()
        multi: list[bytes] = []
        for text in _str_list(raw, where):
            toks = _split(_prepare(text))
            if len(toks) == 1:
                single.add(toks[0])
            elif toks:
                multi.append(b" " + b" ".join(toks) + b" ")
        ctx = _Context(frozenset(single), tuple(multi))
        return ctx if ctx else None

    def _link_supers(self) -> None:
        """For each key and namespace, the longer keys of that namespace that contain it.

        For themes the cancelling is per theme: a longer phrase cancels a shorter one only
        in the themes it is listed in itself (weight 0 = "not this theme"); an ignore
        phrase cancels it in every theme.
        """
        for ns in (GATE, THEMES, ACTORS):
            members = {k.padded for k in self.keys.values() if k.rules[ns]} | self.ignored[ns]
            supers: dict[bytes, list[_Key]] = {}
            for padded in members:
                longer = self.keys[padded]
                toks = longer.tokens
                if longer.cjk or len(toks) < 2:
                    continue
                for span in _sub_spans(toks):
                    if span in members and span != padded:
                        supers.setdefault(span, []).append(longer)
            for padded, found in supers.items():
                key = self.keys[padded]
                key.supers[ns] = tuple(dict.fromkeys(found))
                if ns == THEMES:  # a longer phrase cancels a shorter one in its own themes
                    key.theme_supers = {
                        t: tuple(k for k in key.supers[ns] if not k.rules[ns] or t in k.rules[ns])
                        for t in key.rules[ns]
                    }
        # keys that are only ignore phrases still need counting: they have no rules, but
        # must stay in the index; keys with neither rules nor a role are dropped.
        needed = set().union(*self.ignored)
        self.keys = {p: k for p, k in self.keys.items() if any(k.rules) or p in needed}
        for key in self.keys.values():
            key.freeze()
