"""Theme lexicon: load `seeds/themes.toml` once, classify title + text into themes and actors.

How it stays fast (it runs on every ingested item and on re-theming a whole store):
the text is tokenised once with C-level operations (ASCII encode, `bytes.translate`,
`bytes.split`); one `map` over the tokens marks those the lexicon knows, and only those
are counted, alone and as the first word of an adjacent pair. The lexicon is indexed
the same way (one-word entries by token, longer ones by their first pair), so finding
every entry present is two set intersections, and Python code only runs for entries
that were found. Case-sensitive and context rules run only for those few. There is no
regex alternation of hundreds of phrases. Long bodies (over 8,000 characters) are
scanned in segments, and only segments with their own AI context feed theme scores.

Tokens are runs of ASCII letters and digits. Non-ASCII characters are separators (the
lexicon goes through the same transformation, so "Räikkönen" still matches itself),
except that entries written in CJK script are matched as substrings of the raw text.

Only the first `max_chars` characters of a body (32,000 by default) and the first
1,000 characters of a title are scanned. `Lexicon.classify` never raises on text input.
"""

from __future__ import annotations

import hashlib
import html
import logging
import math
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress, pairwise
from pathlib import Path
from typing import Any

from tui.config import seeds_dir
from tui.model import Classification, ThemeDef, ThemeScore

try:  # the C helper behind collections.Counter; a plain dict is cheaper than a Counter
    from _collections import _count_elements  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - other Python implementations

    def _count_elements(mapping: dict[Any, int], iterable: Iterable[Any]) -> None:
        for item in iterable:
            mapping[item] = mapping.get(item, 0) + 1


log = logging.getLogger(__name__)

LEXICON_FILENAME = "themes.toml"
# The version of the scoring code. Lexicon.version hashes it with the TOML, so a change
# here marks every stored score stale (the next start or `aigeo retheme` re-scores the
# store). Bump it with any change that can alter what a lexicon scores: tokenising,
# matching, the AI-context gate, segmenting, weights or thresholds.
SCORING_VERSION = 1
TITLE_MAX_CHARS = 1_000
# Bodies longer than SPLIT_CHARS are scanned in segments of about SEGMENT_CHARS; only
# segments with their own AI context feed the theme scores, so an AI article followed by
# an unrelated "related articles" block (crypto, hotels) is not themed by that block.
SPLIT_CHARS = 8_000
SEGMENT_CHARS = 4_000
ACTOR_KINDS = ("country", "bloc", "organisation", "person")
_THEME_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# --- tokenising ------------------------------------------------------------------------
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_WORD_BYTES = rb"0-9A-Za-z"
_IS_WORD = bytes(1 if chr(c).isascii() and chr(c).isalnum() else 0 for c in range(256))


def _translate_table(lower: bool) -> bytes:
    """ASCII punctuation and controls → space (apostrophe kept), optionally A-Z → a-z."""
    table = bytearray(range(256))
    for c in range(128):
        ch = chr(c)
        if ch == "'":
            continue
        if not ch.isalnum():
            table[c] = 0x20
        elif lower and ch.isupper():
            table[c] = ord(ch.lower())
    return bytes(table)


_LOWER = _translate_table(lower=True)
_KEEP = _translate_table(lower=False)
_CASED = _KEEP.replace(b"'", b" ")


# very common words inside phrases: not worth counting, so never used for pre-checks
_STOP_WORDS = frozenset(
    b"a an and are as at be by for from her his in is it of on or over that the to up with".split()
)
_DOTTED = ((b"A.I.", b"AI"), (b"U.S.", b"US"), (b"U.K.", b"UK"), (b"E.U.", b"EU"), (b"U.N.", b"UN"))


def _prepare(text: str) -> bytes:
    """ASCII bytes of the text, case kept; non-ASCII characters become "?", "U.S." "US".

    HTML character references left in feed text ("&nbsp;", "&rsquo;") are decoded first.
    """
    if "&" in text and ";" in text:
        text = html.unescape(text)
    if text.isascii():
        raw = text.encode("ascii")
    else:
        raw = text.replace("’", "'").encode("ascii", "replace")
    for dotted, plain in _DOTTED:
        if dotted in raw:
            raw = raw.replace(dotted, plain)
    return raw


def _count(items: Iterable[Any]) -> dict[Any, int]:
    """A plain dict of occurrence counts (Counter without its per-call overhead)."""
    counts: dict[Any, int] = {}
    _count_elements(counts, items)
    return counts


def _split(raw: bytes, lower: bool = True) -> list[bytes]:
    """Word tokens of prepared bytes: possessive 's dropped, other apostrophes split."""
    flat = (raw + b" ").translate(_LOWER if lower else _KEEP)
    flat = flat.replace(b"'s ", b" ")
    if not lower:
        flat = flat.replace(b"'S ", b" ")
    return flat.replace(b"'", b" ").split()


def tokenize(text: str) -> list[str]:
    """The lowercase tokens the classifier sees (for tests and debugging)."""
    return [t.decode("utf-8", "replace") for t in _split(_prepare(text))]


# --- compiled lexicon pieces -------------------------------------------------------------

GATE, THEMES, ACTORS = 0, 1, 2
_NAMESPACES = ("ai_context", "themes", "actors")


@dataclass(frozen=True, slots=True)
class _Context:
    """A list of words/phrases, split for fast membership tests."""

    single: frozenset[bytes]
    multi: tuple[bytes, ...]  # padded: b" open source "

    def __bool__(self) -> bool:
        return bool(self.single or self.multi)


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


@dataclass(slots=True, eq=False)
class _Key:
    """A distinct lowercase token sequence, shared by all entries that spell it."""

    tokens: tuple[bytes, ...]
    padded: bytes
    cjk: str = ""  # entries in CJK script: counted as a substring of the text
    # pairs after the first (3+ tokens), not starting with a stop word: a cheap pre-check
    inner: tuple[tuple[bytes, bytes], ...] = ()
    # per namespace: the target → rules (alternatives) and the longer keys containing it
    rules: list[dict[int, list[_Rule]]] = field(default_factory=lambda: [{}, {}, {}])
    supers: list[tuple[_Key, ...]] = field(default_factory=lambda: [(), (), ()])
    # frozen for the hot loop: plain rules by namespace (gate weight, (theme, weight)
    # pairs, actor indexes), rules with conditions as (namespace, target, rules), and
    # the longer keys per namespace (None when there are none at all)
    gate_w: float = 0.0
    theme_w: tuple[tuple[int, float], ...] = ()
    actor_ids: tuple[int, ...] = ()
    slow: tuple[tuple[int, int, tuple[_Rule, ...]], ...] = ()
    subs: tuple[tuple[_Key, ...], ...] | None = None

    def freeze(self) -> None:
        """Fix the rules into the tuples the hot loop reads, once the lexicon is complete.

        Plain alternatives for one target collapse into the one with the largest weight
        (the best alternative is what counts); a target with conditional rules keeps all.
        """
        themes: list[tuple[int, float]] = []
        actors: list[int] = []
        slow: list[tuple[int, int, tuple[_Rule, ...]]] = []
        for ns, targets in enumerate(self.rules):
            for target, rules in targets.items():
                plain = [r for r in rules if r.plain]
                other = [r for r in rules if not r.plain]
                best = max(plain, key=lambda r: abs(r.weight)) if plain else None
                if other:
                    slow.append((ns, target, tuple(([best] if best else []) + other)))
                elif best is None:
                    continue
                elif ns == GATE:
                    self.gate_w = best.weight
                elif ns == THEMES:
                    themes.append((target, best.weight))
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
    trace: list[tuple[int, int, _Key, float]] | None = None


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


# --- the lexicon -------------------------------------------------------------------------


class Lexicon:
    """A compiled lexicon: themes, AI-context gate and actors, ready to classify text."""

    def __init__(
        self,
        settings: _Settings,
        themes: list[ThemeDef],
        thresholds: list[float],
        bonuses: list[dict[int, float]],
        actors: list[tuple[str, str]],
        keys: dict[bytes, _Key],
        version: str,
        path: Path | None = None,
    ) -> None:
        self.themes: list[ThemeDef] = themes
        self.theme_ids: list[str] = [t.id for t in themes]
        self.version: str = version
        self.actor_names: list[str] = [name for name, _ in actors]
        self.actor_kinds: dict[str, str] = dict(actors)
        self.path = path
        self._s = settings
        self._thresholds = thresholds
        self._bonuses = [(i, tuple(b.items())) for i, b in enumerate(bonuses) if b]
        self._single: dict[bytes, _Key] = {}
        self._by_pair: dict[tuple[bytes, bytes], list[_Key]] = {}
        self._cjk_keys: list[_Key] = []
        for key in keys.values():
            if key.cjk:
                self._cjk_keys.append(key)
            elif len(key.tokens) == 1:
                self._single[key.tokens[0]] = key
            else:
                self._by_pair.setdefault((key.tokens[0], key.tokens[1]), []).append(key)
        self._single_set = frozenset(self._single)
        self._pair_set = frozenset(self._by_pair)
        # every token worth counting: one-word entries, words that start a pair inside
        # a phrase, and one-word context terms (the only words `near`/`unless` look up)
        self._vocab = frozenset(self._single).union(
            (a for a, _ in self._by_pair),
            (a for key in keys.values() for a, _ in key.inner),
            _context_words(keys.values()),
        )
        self._sat = [0.0] + [min(1.0 + math.log(n), settings.saturation) for n in range(1, 64)]

    def __repr__(self) -> str:
        return (
            f"Lexicon(version={self.version!r}, themes={len(self.themes)}, "
            f"actors={len(self.actor_names)})"
        )

    # public ---------------------------------------------------------------------------

    def classify(self, title: str, text: str) -> Classification:
        """Themes (score in (0, 1], best first) and actors (most mentioned first) of a text."""
        try:
            return self._classify(_as_text(title), _as_text(text))
        except Exception:  # never let one odd item stop an ingest or a re-theme
            log.exception("classifier failed on an item; returning no themes")
            return Classification()

    def explain(self, title: str, text: str) -> list[tuple[str, str, str, float]]:
        """Why an item got its themes: (section, target, phrase, contribution) per hit.

        Section is "ai_context", "themes" or "actors"; contributions are before the
        threshold, so this also shows near misses. For debugging a lexicon edit.
        """
        trace: list[tuple[int, int, _Key, float]] = []
        self._classify(_as_text(title), _as_text(text), trace)
        out = []
        for ns, target, key, val in trace:
            if ns == GATE:
                label = "AI"
            elif ns == THEMES:
                label = self.theme_ids[target]
            else:
                label = self.actor_names[target]
            phrase = key.cjk or key.padded.strip().decode("ascii", "replace")
            out.append((_NAMESPACES[ns], label, phrase, round(val, 3)))
        return out

    # scanning -------------------------------------------------------------------------

    def _scan(self, text: str, limit: int) -> _Doc:
        """Tokenise a text and count every lexicon key it contains."""
        text = text[:limit]
        raw = _prepare(text)
        toks = _split(raw)
        # one pass marks the tokens the lexicon knows; only those are counted, and only
        # pairs starting with one of them are formed
        known = list(map(self._vocab.__contains__, toks))
        counts = _count(compress(toks, known))
        found: dict[_Key, int] = {}
        doc = _Doc(raw, toks, counts, found)
        single = self._single
        for tok in self._single_set.intersection(counts):
            found[single[tok]] = counts[tok]
        if len(toks) > 1:
            pairs = _count(zip(compress(toks, known), compress(toks[1:], known), strict=False))
            for pair in self._pair_set.intersection(pairs):
                for key in self._by_pair[pair]:
                    if len(key.tokens) == 2:
                        found[key] = pairs[pair]
                    elif all(q in pairs for q in key.inner):
                        n = doc.norm.count(key.padded)
                        if n:
                            found[key] = n
        if self._cjk_keys and not text.isascii() and _CJK.search(text):
            for key in self._cjk_keys:
                n = text.count(key.cjk)
                if n:
                    found[key] = n
        return doc

    def _scan_body(self, text: str) -> tuple[_Doc, _Doc]:
        """The whole body, and the part of it that has AI context (for theme scores)."""
        if len(text) <= SPLIT_CHARS:
            doc = self._scan(text, SPLIT_CHARS)
            return doc, doc
        parts = [self._scan(seg, len(seg)) for seg in _segments(text, SEGMENT_CHARS)]
        whole = _merge(parts)
        threshold = self._s.ai_threshold
        topical = [d for d in parts if self._gate_of(d) >= threshold]
        return whole, (_merge(topical) if topical else whole)

    def _gate_of(self, doc: _Doc) -> float:
        """The undamped AI-context score of one body segment on its own."""
        tally = _Tally(0.0, [], {})
        self._tally(doc, (_EMPTY, doc), False, 1.0, tally, GATE_ONLY)
        return tally.gate

    def _damp(self, doc: _Doc) -> float:
        """Length damping: 1 up to ref_tokens, then sqrt(ref_tokens / tokens)."""
        n, ref = len(doc.toks), self._s.ref_tokens
        return 1.0 if n <= ref else math.sqrt(ref / n)

    # scoring --------------------------------------------------------------------------

    def _classify(self, title: str, text: str, trace: list | None = None) -> Classification:
        """Scan, tally the gate, actors and themes, then rank (see the module docstring)."""
        s = self._s
        head = self._scan(title, TITLE_MAX_CHARS)
        body, topical = self._scan_body(text[: s.max_chars])
        tally = _Tally(0.0, [0.0] * len(self.themes), {}, trace=trace)
        split = topical is not body
        self._tally(head, (head, body), True, 1.0, tally, ALL)
        self._tally(body, (head, body), False, self._damp(body), tally, GATE_ONLY if split else ALL)
        is_ai = tally.gate >= s.ai_threshold
        if split:  # a long body: themes (and, for AI items, actors) from its AI segments
            src = topical if is_ai else body
            self._tally(src, (head, src), False, self._damp(src), tally, NOT_GATE)
        for ns, target, rules, key, n, doc, ctx, is_title, damp in tally.pending:
            if ns == ACTORS or is_ai:
                self._settle(ns, target, rules, key, n, doc, ctx, is_title, damp, tally, is_ai)
        actors = self._rank_actors(tally.actors)
        if not is_ai:
            return Classification(themes=(), actors=actors)
        raw = tally.themes
        for i, bonus in self._bonuses:
            raw[i] += sum(w for a, w in bonus if a in tally.actors)
        return Classification(themes=self._rank_themes(raw), actors=actors)

    def _tally(
        self,
        doc: _Doc,
        ctx: tuple[_Doc, _Doc],
        is_title: bool,
        damp: float,
        tally: _Tally,
        mask: tuple[bool, bool, bool],
    ) -> None:
        """Add one document's hits for the namespaces switched on in `mask`.

        Plain entries are added at once; entries with conditions are settled at once for
        the gate and queued in `tally.pending` for themes and actors (they may need the
        gate's verdict). `ctx` is the (title, body) pair that context words are looked
        up in.
        """
        found = doc.found
        title_w = self._s.title_weight
        sat = self._sat
        trace = tally.trace
        do_gate, do_themes, do_actors = mask
        themes, actors = tally.themes, tally.actors
        for key, total in found.items():
            subs = key.subs
            if key.gate_w and do_gate:
                n = total if subs is None else _minus(total, subs[GATE], found)
                if n > 0:
                    val = key.gate_w * (title_w if is_title else damp * sat[n if n < 64 else 63])
                    tally.gate += val
                    if trace is not None:
                        trace.append((GATE, 0, key, val))
            if key.theme_w and do_themes:
                n = total if subs is None else _minus(total, subs[THEMES], found)
                if n > 0:
                    factor = title_w if is_title else damp * sat[n if n < 64 else 63]
                    for target, weight in key.theme_w:
                        themes[target] += weight * factor
                        if trace is not None:
                            trace.append((THEMES, target, key, weight * factor))
            if key.actor_ids and do_actors:
                n = total if subs is None else _minus(total, subs[ACTORS], found)
                if n > 0:
                    for target in key.actor_ids:
                        actors[target] = actors.get(target, 0) + n
                        if trace is not None:
                            trace.append((ACTORS, target, key, float(n)))
            for ns, target, rules in key.slow:
                if not mask[ns]:
                    continue
                n = total if subs is None else _minus(total, subs[ns], found)
                if n <= 0:
                    continue
                if ns == GATE:
                    self._settle(ns, target, rules, key, n, doc, ctx, is_title, damp, tally, False)
                else:
                    tally.pending.append((ns, target, rules, key, n, doc, ctx, is_title, damp))

    def _settle(
        self,
        ns: int,
        target: int,
        rules: tuple[_Rule, ...],
        key: _Key,
        n: int,
        doc: _Doc,
        ctx: tuple[_Doc, _Doc],
        is_title: bool,
        damp: float,
        tally: _Tally,
        is_ai: bool,
    ) -> None:
        """Add the best of a key's alternative rules for one target, conditions checked."""
        best = 0.0
        for rule in rules:
            m = n if rule.plain else self._rule_count(rule, key, n, doc, ctx, is_ai)
            if m <= 0:
                continue
            if ns == ACTORS:
                val = float(m)
            elif is_title:
                val = rule.weight * self._s.title_weight
            else:
                val = rule.weight * damp * self._sat[m if m < 64 else 63]
            if best == 0.0 or abs(val) > abs(best):
                best = val
        if not best:
            return
        if ns == GATE:
            tally.gate += best
        elif ns == THEMES:
            tally.themes[target] += best
        else:
            tally.actors[target] = tally.actors.get(target, 0) + best
        if tally.trace is not None:
            tally.trace.append((ns, target, key, best))

    def _rule_count(
        self, rule: _Rule, key: _Key, n: int, doc: _Doc, docs: tuple[_Doc, _Doc], is_ai: bool
    ) -> int:
        """How many of the `n` matches of `key` satisfy the rule's conditions."""
        if rule.needs_ai and not is_ai:
            return 0
        if rule.case_word:
            n = min(n, doc.cased.count(rule.case_word))
            if n <= 0:
                return 0
        elif rule.case is not None:
            n = min(n, _case_count(rule.case, doc.raw))
            if n <= 0:
                return 0
        if rule.near is not None and not rule.window and not _any_in(rule.near, docs):
            return 0
        if rule.unless is not None and not rule.unless_window and _any_in(rule.unless, docs):
            return 0
        windowed = (rule.near is not None and rule.window) or (
            rule.unless is not None and rule.unless_window
        )
        if windowed and not key.cjk:
            n = min(n, self._count_in_windows(rule, key, doc.toks))
        return n

    @staticmethod
    def _count_in_windows(rule: _Rule, key: _Key, toks: list[bytes]) -> int:
        """Occurrences of `key` whose neighbourhood satisfies the rule's windowed lists."""
        good = 0
        size = len(key.tokens)
        for i in _positions(toks, key.tokens):
            if rule.near is not None and rule.window:
                seg = toks[max(0, i - rule.window) : i + size + rule.window]
                if not _any_in_tokens(rule.near, seg):
                    continue
            if rule.unless is not None and rule.unless_window:
                seg = toks[max(0, i - rule.unless_window) : i + size + rule.unless_window]
                if _any_in_tokens(rule.unless, seg):
                    continue
            good += 1
        return good

    def _rank_actors(self, counts: dict[int, float]) -> tuple[str, ...]:
        """Actor names with at least one mention, most mentioned first."""
        named = sorted(counts, key=lambda i: (-counts[i], i))
        return tuple(self.actor_names[i] for i in named if counts[i] > 0)

    def _rank_themes(self, raw: list[float]) -> tuple[ThemeScore, ...]:
        """Themes whose raw score reaches their threshold, as scores in (0, 1], best first."""
        scale = self._s.score_scale
        out: list[tuple[float, int]] = []
        for i, r in enumerate(raw):
            if r >= self._thresholds[i] and r > 0:
                score = round(1.0 - math.exp(-r / scale), 3)
                out.append((min(max(score, 0.001), 1.0), i))
        out.sort(key=lambda p: (-p[0], p[1]))
        return tuple(ThemeScore(self.theme_ids[i], score) for score, i in out)


_EMPTY = _Doc(b"", [], {}, {})


def _segments(text: str, size: int) -> list[str]:
    """Group whole lines into pieces of at most ~size chars; split longer lines at spaces."""
    out: list[str] = []
    cur: list[str] = []
    cur_len = 0
    for line in text.split("\n"):
        if cur and cur_len + len(line) > size:
            out.append("\n".join(cur))
            cur, cur_len = [], 0
        if len(line) <= size:
            cur.append(line)
            cur_len += len(line) + 1
            continue
        out.extend(_cut_line(line, size))
    if cur:
        out.append("\n".join(cur))
    return out


def _cut_line(line: str, size: int) -> list[str]:
    """Cut one long line into pieces of about size chars, at spaces where possible."""
    out: list[str] = []
    start, n = 0, len(line)
    while n - start > size:
        cut = line.rfind(" ", start + size // 2, start + size)
        if cut <= start:
            cut = start + size
        out.append(line[start:cut])
        start = cut
    out.append(line[start:])
    return out


def _merge(docs: list[_Doc]) -> _Doc:
    """One document made of several scanned segments."""
    if len(docs) == 1:
        return docs[0]
    toks = [t for d in docs for t in d.toks]
    found: dict[_Key, int] = {}
    counts: dict[bytes, int] = {}
    for d in docs:
        for key, n in d.found.items():
            found[key] = found.get(key, 0) + n
        for tok, n in d.counts.items():
            counts[tok] = counts.get(tok, 0) + n
    raw = b"\n".join(d.raw for d in docs)
    return _Doc(raw, toks, counts, found)


def _context_words(keys: Iterable[_Key]) -> set[bytes]:
    """The one-word terms of every `near` and `unless` list in the lexicon."""
    words: set[bytes] = set()
    for key in keys:
        for targets in key.rules:
            for rules in targets.values():
                for rule in rules:
                    for ctx in (rule.near, rule.unless):
                        if ctx is not None:
                            words |= ctx.single
    return words


def _minus(total: int, longer: tuple[_Key, ...], found: dict[_Key, int]) -> int:
    """Occurrences of a key that are not part of a longer key of the same namespace."""
    for key in longer:
        if key in found:
            total -= found[key]
    return total


def _as_text(value: object) -> str:
    """Coerce whatever the caller passed (None, bytes, str) to a str."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def _any_in(ctx: _Context, docs: Iterable[_Doc]) -> bool:
    """True if any word/phrase of `ctx` occurs anywhere in the item (title or body)."""
    for doc in docs:
        if not ctx.single.isdisjoint(doc.counts):
            return True
        if any(p in doc.norm for p in ctx.multi):
            return True
    return False


def _any_in_tokens(ctx: _Context, seg: list[bytes]) -> bool:
    """True if any word/phrase of `ctx` occurs in a token slice."""
    if not ctx.single.isdisjoint(seg):
        return True
    if ctx.multi:
        joined = b" " + b" ".join(seg) + b" "
        return any(p in joined for p in ctx.multi)
    return False


def _positions(toks: list[bytes], key: tuple[bytes, ...]) -> list[int]:
    """Start indexes of the token sequence `key` in `toks`."""
    out: list[int] = []
    first, size, want = key[0], len(key), list(key)
    i = -1
    while True:
        try:
            i = toks.index(first, i + 1)
        except ValueError:
            return out
        if size == 1 or toks[i : i + size] == want:
            out.append(i)


# --- loading -----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def default_lexicon_path() -> Path:
    """The shipped lexicon: `seeds/themes.toml` (where the package sits cannot change)."""
    return seeds_dir() / LEXICON_FILENAME


OVERLAY_FILENAME = "themes.local.toml"
OVERLAY_ENV = "AIGEO_THEMES_LOCAL"
USER_OVERLAY = "user"  # load_lexicon's default: the user's overlay file, when it exists


def user_overlay_path() -> Path:
    """The user's lexicon overlay: `$AIGEO_THEMES_LOCAL`, else themes.local.toml next to
    the settings file (the user config dir, or wherever `$AIGEO_CONFIG` points)."""
    from tui.config import settings_path

    env = os.environ.get(OVERLAY_ENV)
    return Path(env).expanduser() if env else settings_path().parent / OVERLAY_FILENAME


def load_lexicon(path: Path | None = None, overlay: Path | str | None = USER_OVERLAY) -> Lexicon:
    """Load and compile a lexicon (default: the shipped one), with an overlay merged in.

    `overlay` is a TOML file of `[[themes]]` tables (`id` and `phrases`) whose phrases
    are added to the themes of the same id (an overlay weight replaces a base one).
    The default, USER_OVERLAY, means the user's `themes.local.toml` when `path` is the
    shipped lexicon and that file exists; None means no overlay. With an overlay the
    version is a hash of both files (and SCORING_VERSION), so re-theming notices an
    edited overlay or a change in the scoring code.

    Cached on paths, mtimes and sizes, so calling it again is a `stat` (a few µs) and
    an edited file is picked up; still, hold on to the Lexicon in hot loops.
    """
    p = Path(path) if path is not None else default_lexicon_path()
    if overlay == USER_OVERLAY:
        user = user_overlay_path() if path is None else None
        overlay = user if user is not None and user.is_file() else None
    try:
        st = p.stat()
    except OSError as e:
        raise LexiconError(f"{p}: cannot read the theme lexicon: {e.strerror or e}") from e
    if overlay is None:
        return _load_cached(str(p), st.st_mtime_ns, st.st_size)
    o = Path(overlay)
    try:
        ost = o.stat()
    except OSError as e:
        raise LexiconError(f"{o}: cannot read the lexicon overlay: {e.strerror or e}") from e
    return _load_cached(str(p), st.st_mtime_ns, st.st_size, str(o), ost.st_mtime_ns, ost.st_size)


def _read_toml(p: Path, what: str) -> tuple[bytes, dict[str, Any]]:
    """The bytes and parsed TOML of a lexicon file, or LexiconError naming it."""
    try:
        data = p.read_bytes()
    except OSError as e:
        raise LexiconError(f"{p}: cannot read the {what}: {e.strerror or e}") from e
    try:
        return data, tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise LexiconError(f"{p}: not UTF-8 text: {e}") from e
    except tomllib.TOMLDecodeError as e:
        raise LexiconError(f"{p}: invalid TOML: {e}") from e


@lru_cache(maxsize=16)
def _load_cached(
    path: str,
    mtime_ns: int,
    size: int,
    overlay: str | None = None,
    overlay_mtime_ns: int = 0,
    overlay_size: int = 0,
) -> Lexicon:
    """Read, parse and compile one version of a lexicon file (and overlay)."""
    p = Path(path)
    data, doc = _read_toml(p, "theme lexicon")
    digest = hashlib.sha256(f"scoring {SCORING_VERSION}\0".encode())
    digest.update(data)
    if overlay is not None:
        o = Path(overlay)
        extra, overlay_doc = _read_toml(o, "lexicon overlay")
        try:
            merge_overlay(doc, overlay_doc)
        except _SchemaError as e:
            raise LexiconError(f"{o}: {e} (fix or delete the overlay file)") from None
        digest.update(b"\0overlay\0" + extra)
    try:
        return _Builder(doc).build(digest.hexdigest()[:12], p)
    except _SchemaError as e:
        where = f"{p} + {overlay}" if overlay else f"{p}"
        raise LexiconError(f"{where}: {e}") from None


def lexicon_document(path: Path | None = None, overlay: Path | str | None = USER_OVERLAY) -> dict:
    """The parsed lexicon TOML with the overlay merged in (what `load_lexicon` compiles),
    for tools that try changes before writing them (see `compile_lexicon`)."""
    p = Path(path) if path is not None else default_lexicon_path()
    if overlay == USER_OVERLAY:
        user = user_overlay_path() if path is None else None
        overlay = user if user is not None and user.is_file() else None
    _, doc = _read_toml(p, "theme lexicon")
    if overlay is not None:
        o = Path(overlay)
        _, overlay_doc = _read_toml(o, "lexicon overlay")
        try:
            merge_overlay(doc, overlay_doc)
        except _SchemaError as e:
            raise LexiconError(f"{o}: {e} (fix or delete the overlay file)") from None
    return doc


def compile_lexicon(doc: dict, version: str = "draft") -> Lexicon:
    """Compile a parsed lexicon document (uncached; LexiconError on a schema problem)."""
    try:
        return _Builder(doc).build(version, default_lexicon_path())
    except _SchemaError as e:
        raise LexiconError(f"lexicon draft: {e}") from None


_OVERLAY_THEME_KEYS = {"id", "phrases"}


def merge_overlay(doc: dict[str, Any], overlay: Mapping[str, Any]) -> None:
    """Add an overlay's `[[themes]]` phrases to the parsed base lexicon `doc`, in place.

    Only `[[themes]]` tables with `id` and `phrases` are allowed (several tables may
    name the same theme; later ones win). A theme id the base does not have is skipped
    with a warning, so a lexicon upgrade that renames a theme cannot lock the user out.
    """
    _check_keys(overlay, {"themes"}, "the overlay's top level")
    items = overlay.get("themes", [])
    if not isinstance(items, list):
        raise _SchemaError("[[themes]] must be an array of tables")
    base = {t.get("id"): t for t in doc.get("themes", []) if isinstance(t, dict) and "id" in t}
    for i, raw in enumerate(items):
        table = _table(raw, f"overlay [[themes]] #{i + 1}")
        tid = _str(table.get("id"), f"overlay [[themes]] #{i + 1} id")
        _check_keys(table, _OVERLAY_THEME_KEYS, f"overlay theme {tid!r}")
        phrases = _table(table.get("phrases", {}), f"overlay theme {tid!r} phrases")
        target = base.get(tid)
        if target is None:
            log.warning("lexicon overlay names unknown theme %r; its phrases are ignored", tid)
            continue
        merged = dict(_table(target.get("phrases", {}), f"theme {tid!r} phrases"))
        merged.update(phrases)
        target["phrases"] = merged


class _SchemaError(Exception):
    """A schema problem; load_lexicon adds the file name."""


_TOP_KEYS = {"classifier", "ai_context", "themes", "actors"}
_THEME_KEYS = {"id", "name", "description", "threshold", "actor_bonus", "phrases"}
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
        return Lexicon(settings, themes, thresholds, bonuses, actors, self.keys, version, path)

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
        if _CJK.search(text):
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
        """For each key and namespace, the longer keys of that namespace that contain it."""
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
                self.keys[padded].supers[ns] = tuple(dict.fromkeys(found))
        # keys that are only ignore phrases still need counting: they have no rules, but
        # must stay in the index; keys with neither rules nor a role are dropped.
        needed = set().union(*self.ignored)
        self.keys = {p: k for p, k in self.keys.items() if any(k.rules) or p in needed}
        for key in self.keys.values():
            key.freeze()


def _sub_spans(toks: tuple[bytes, ...]) -> Iterable[bytes]:
    """Padded forms of every shorter contiguous run of tokens."""
    n = len(toks)
    for size in range(1, n):
        for start in range(n - size + 1):
            yield b" " + b" ".join(toks[start : start + size]) + b" "


def _norm_key(text: str) -> bytes:
    return b" ".join(_split(_prepare(text)))


def _case_pattern(text: str) -> re.Pattern[bytes]:
    """A bytes regex matching `text` token by token, with its exact case.

    It starts with a literal (fast prefix search); the left word boundary is checked
    by `_case_count`, because a leading look-behind would make `re` try every position.
    """
    toks = _split(_prepare(text), lower=False)
    if not toks:
        raise _SchemaError(f"{text!r}: has no words to match")
    sep = rb"[^" + _WORD_BYTES + rb"]+"
    body = sep.join(re.escape(t) for t in toks)
    return re.compile(body + rb"(?![" + _WORD_BYTES + rb"])")


def _case_count(pattern: re.Pattern[bytes], raw: bytes) -> int:
    """Matches of a case pattern that start at a word boundary."""
    n = 0
    for m in pattern.finditer(raw):
        i = m.start()
        if i == 0 or not _IS_WORD[raw[i - 1]]:
            n += 1
    return n
