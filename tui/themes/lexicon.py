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

import logging
import math
import pickle
import re
from dataclasses import dataclass
from itertools import compress
from pathlib import Path

from tui.model import Classification, ThemeDef, ThemeScore
from tui.themes.compiled import (
    _NAMESPACES,
    ACTORS,
    ALL,
    CO_ACTORS,
    GATE,
    GATE_ONLY,
    LEARNED,
    NOT_GATE,
    THEMES,
    _Doc,
    _Key,
    _Rule,
    _Settings,
    _Tally,
)
from tui.themes.lookups import (
    EMPTY,
    any_in,
    any_in_tokens,
    as_text,
    context_words,
    merge,
    minus,
    positions,
)
from tui.themes.model import UserModel, features
from tui.themes.rules import LONG_TOKENS, CoActors, best_theme, main_themes, strong_topic
from tui.themes.tokens import _case_count, _count, _prepare, _segments, _split, has_cjk

log = logging.getLogger(__name__)

LEXICON_FILENAME = "themes.toml"
# The version of the scoring code. Lexicon.version hashes it with the TOML, so a change
# here marks every stored score stale (the next start or `aigeo retheme` re-scores the
# store). Bump it with any change that can alter what a lexicon scores: tokenising,
# matching, the AI-context gate, segmenting, weights or thresholds.
# 2: issue 13 (co_actors, opens_gate, main themes, learned model)
# 3: issue 13: a longer theme phrase cancels a shorter one only in the themes it lists
#    itself (weight 0 = "not this theme"); accents are folded before tokenising
# 4: issue 13: weaker AI context (0.3 of the gate) passes with one theme dense enough
#    (2x its threshold for opens_gate themes, 2.5x for any other)
# 5: issue 13: an AI item with no passing theme gets its best one at 0.65 of its threshold
# 6: that fallback only for texts up to LONG_TOKENS (a whole article is not lifted)
SCORING_VERSION = 6
TITLE_MAX_CHARS = 1_000
# Bodies longer than SPLIT_CHARS are scanned in segments of about SEGMENT_CHARS; only
# segments with their own AI context feed the theme scores, so an AI article followed by
# an unrelated "related articles" block (crypto, hotels) is not themed by that block.
SPLIT_CHARS = 8_000
SEGMENT_CHARS = 4_000
ACTOR_KINDS = ("country", "bloc", "organisation", "person")
_THEME_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


# --- the lexicon -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Tables:
    """The compiled keys by how the scanner finds them (built once, never changed)."""

    single: dict[bytes, _Key]  # one-token keys
    by_pair: dict[tuple[bytes, bytes], list[_Key]]  # longer keys by their first two tokens
    cjk_keys: list[_Key]  # counted as substrings
    single_set: frozenset[bytes]
    pair_set: frozenset[tuple[bytes, bytes]]
    vocab: frozenset[bytes]  # every token worth counting


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
        co_actors: list[tuple[int, CoActors]] | None = None,
    ) -> None:
        self.themes: list[ThemeDef] = themes
        self.theme_ids: list[str] = [t.id for t in themes]
        self.version: str = version
        self.actor_names: list[str] = [name for name, _ in actors]
        self.actor_kinds: dict[str, str] = dict(actors)
        self.path = path
        self._s = settings
        self._thresholds = thresholds
        self.thresholds: tuple[float, ...] = tuple(thresholds)  # per theme, in theme order
        self._bonuses = [(i, tuple(b.items())) for i, b in enumerate(bonuses) if b]
        self._co_actors = co_actors or []
        self.model: UserModel | None = None  # the user's learned model (see with_model)
        self.opens_gate: tuple[int, ...] = ()  # themes whose dense vocabulary opens the gate
        self.never_opens: tuple[int, ...] = ()  # themes that never do (opens_gate = false)
        single: dict[bytes, _Key] = {}
        by_pair: dict[tuple[bytes, bytes], list[_Key]] = {}
        cjk_keys: list[_Key] = []
        for key in keys.values():
            if key.cjk:
                cjk_keys.append(key)
            elif len(key.tokens) == 1:
                single[key.tokens[0]] = key
            else:
                by_pair.setdefault((key.tokens[0], key.tokens[1]), []).append(key)
        # every token worth counting: one-word entries, words that start a pair inside
        # a phrase, and one-word context terms (the only words `near`/`unless` look up)
        vocab = frozenset(single).union(
            (a for a, _ in by_pair),
            (a for key in keys.values() for a, _ in key.inner),
            context_words(keys.values()),
        )
        self._loaded: _Tables | None = _Tables(
            single, by_pair, cjk_keys, frozenset(single), frozenset(by_pair), vocab
        )
        self._packed: bytes | None = None
        self._sat = [0.0] + [min(1.0 + math.log(n), settings.saturation) for n in range(1, 64)]

    # pickling: the scorer's tables as one inner pickle, unpacked on first use ---------

    @property
    def _tables(self) -> _Tables:
        """The key tables the scanner reads. A lexicon from the disk cache (or sent to a
        worker) carries them packed: the dashboard's first frame needs the themes and
        the version, not ~3,500 compiled rules (unpacking them costs ~25 ms)."""
        tables = self._loaded
        if tables is None:
            assert self._packed is not None
            tables = self._loaded = pickle.loads(self._packed)
        return tables

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        if state["_packed"] is None:  # compiled here: the tables never change after
            state["_packed"] = pickle.dumps(state["_loaded"], protocol=pickle.HIGHEST_PROTOCOL)
        state["_loaded"] = None
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)

    def __copy__(self) -> Lexicon:
        twin = object.__new__(type(self))
        twin.__dict__.update(self.__dict__)
        return twin

    def __repr__(self) -> str:
        return (
            f"Lexicon(version={self.version!r}, themes={len(self.themes)}, "
            f"actors={len(self.actor_names)})"
        )

    # public ---------------------------------------------------------------------------

    def classify(self, title: str, text: str) -> Classification:
        """Themes (score in (0, 1], best first) and actors (most mentioned first) of a text."""
        try:
            return self._classify(as_text(title), as_text(text))
        except Exception:  # never let one odd item stop an ingest or a re-theme
            log.exception("classifier failed on an item; returning no themes")
            return Classification()

    def explain(self, title: str, text: str) -> list[tuple[str, str, str, float]]:
        """Why an item got its themes: (section, target, phrase, contribution) per hit.

        Section is "ai_context", "themes" or "actors"; contributions are before the
        threshold, so this also shows near misses. For debugging a lexicon edit.
        """
        trace: list[tuple[int, int, _Key | str, float]] = []
        self._classify(as_text(title), as_text(text), trace)
        out = []
        for ns, target, key, val in trace:
            if ns == GATE:
                label = "AI"
            elif ns == ACTORS:
                label = self.actor_names[target]
            else:
                label = self.theme_ids[target]
            if isinstance(key, str):
                phrase = key
            else:
                phrase = key.cjk or key.padded.strip().decode("ascii", "replace")
            out.append((_NAMESPACES[ns], label, phrase, round(val, 3)))
        return out

    def alias_phrases(self) -> frozenset[str]:
        """Every actor alias as lowercase token text ("nvidia", "white house")."""
        tables = self._tables
        keys = [*tables.single.values(), *(k for ks in tables.by_pair.values() for k in ks)]
        named = [k for k in keys if k.rules[ACTORS]]
        return frozenset(" ".join(t.decode("ascii", "replace") for t in k.tokens) for k in named)

    def with_model(self, model: UserModel | None) -> Lexicon:
        """A copy of this lexicon that blends in a user's learned model (None: without).

        The version changes with the model's weights, so a store themed before the
        model was (re)trained is re-themed.
        """
        import copy

        twin = copy.copy(self)
        twin.model = model
        base = self.version.split("+", 1)[0]
        twin.version = base if model is None else f"{base}+{model.digest()[:8]}"
        return twin

    def raw_scores(self, title: str, text: str) -> tuple[bool, list[float], frozenset[bytes]]:
        """(passes the AI gate, raw theme scores before the user model, word features):
        what the learned model is trained on."""
        is_ai, raw, feats, _ = self._score(as_text(title), as_text(text), None, False, True)
        return is_ai, raw, feats

    # scanning -------------------------------------------------------------------------

    def _scan(self, text: str, limit: int) -> _Doc:
        """Tokenise a text and count every lexicon key it contains."""
        text = text[:limit]
        raw = _prepare(text)
        toks = _split(raw)
        # one pass marks the tokens the lexicon knows; only those are counted, and only
        # pairs starting with one of them are formed
        tables = self._tables
        known = list(map(tables.vocab.__contains__, toks))
        counts = _count(compress(toks, known))
        found: dict[_Key, int] = {}
        doc = _Doc(raw, toks, counts, found)
        single = tables.single
        for tok in tables.single_set.intersection(counts):
            found[single[tok]] = counts[tok]
        if len(toks) > 1:
            pairs = _count(zip(compress(toks, known), compress(toks[1:], known), strict=False))
            by_pair = tables.by_pair
            for pair in tables.pair_set.intersection(pairs):
                for key in by_pair[pair]:
                    if len(key.tokens) == 2:
                        found[key] = pairs[pair]
                    elif all(q in pairs for q in key.inner):
                        n = doc.norm.count(key.padded)
                        if n:
                            found[key] = n
        if tables.cjk_keys and not text.isascii() and has_cjk(text):
            for key in tables.cjk_keys:
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
        whole = merge(parts)
        threshold = self._s.ai_threshold
        topical = [d for d in parts if self._gate_of(d) >= threshold]
        return whole, (merge(topical) if topical else whole)

    def _gate_of(self, doc: _Doc) -> float:
        """The undamped AI-context score of one body segment on its own."""
        tally = _Tally(0.0, [], {})
        self._tally(doc, (EMPTY, doc), False, 1.0, tally, GATE_ONLY)
        return tally.gate

    def _damp(self, doc: _Doc) -> float:
        """Length damping: 1 up to ref_tokens, then sqrt(ref_tokens / tokens)."""
        n, ref = len(doc.toks), self._s.ref_tokens
        return 1.0 if n <= ref else math.sqrt(ref / n)

    # scoring --------------------------------------------------------------------------

    def _classify(
        self, title: str, text: str, trace: list[tuple[int, int, _Key | str, float]] | None = None
    ) -> Classification:
        """Scan, tally the gate, actors and themes, then rank (see the module docstring)."""
        is_ai, raw, _, actors = self._score(title, text, trace, self.model is not None)
        if not is_ai:
            return Classification(themes=(), actors=actors)
        return Classification(themes=self._rank_themes(raw), actors=actors)

    def _score(
        self,
        title: str,
        text: str,
        trace: list[tuple[int, int, _Key | str, float]] | None,
        use_model: bool,
        want_feats: bool = False,
    ) -> tuple[bool, list[float], frozenset[bytes], tuple[str, ...]]:
        """The gate verdict, raw theme scores (all rules applied), word features, actors."""
        s = self._s
        head = self._scan(title, TITLE_MAX_CHARS)
        body, topical = self._scan_body(text[: s.max_chars])
        tally = _Tally(0.0, [0.0] * len(self.themes), {}, trace=trace)
        split = topical is not body
        self._tally(head, (head, body), True, 1.0, tally, ALL)
        self._tally(body, (head, body), False, self._damp(body), tally, GATE_ONLY if split else ALL)
        is_ai = tally.gate >= s.ai_threshold or strong_topic(
            tally.gate,
            s.ai_threshold,
            tally.themes,
            self._thresholds,
            self.opens_gate,
            self.never_opens,
        )
        if split:  # a long body: themes (and, for AI items, actors) from its AI segments
            src = topical if is_ai else body
            self._tally(src, (head, src), False, self._damp(src), tally, NOT_GATE)
        for ns, target, rules, key, n, doc, ctx, is_title, damp in tally.pending:
            if ns == ACTORS or is_ai:
                self._settle(ns, target, rules, key, n, doc, ctx, is_title, damp, tally, is_ai)
        actors = self._rank_actors(tally.actors)
        raw = tally.themes
        feats: frozenset[bytes] = frozenset()
        if not is_ai:
            return False, raw, feats, actors
        for i, bonus in self._bonuses:
            for a, w in bonus:
                if a in tally.actors:
                    raw[i] += w
                    if trace is not None:
                        trace.append((CO_ACTORS, i, f"names {self.actor_names[a]}", w))
        best: dict[int, float] = {}
        for i, rule in self._co_actors:  # several rules for one theme: the best one counts
            best[i] = max(best.get(i, 0.0), rule.bonus(tally.actors))
        for i, extra in best.items():
            if extra:
                raw[i] += extra
                if trace is not None:
                    trace.append((CO_ACTORS, i, "actors of every side named", extra))
        if len(body.toks) > LONG_TOKENS:
            raw = main_themes(raw, self._thresholds, len(body.toks))
        # before the model, which may undo it; a headline and a summary only: a whole
        # article with no theme past its threshold is not about one
        lift = (
            best_theme(raw, self._thresholds, self.never_opens)
            if len(body.toks) <= LONG_TOKENS
            else None
        )
        if lift is not None:
            if trace is not None:
                trace.append(
                    (THEMES, lift, "best theme of an AI item", self._thresholds[lift] - raw[lift])
                )
            raw[lift] = self._thresholds[lift]
        use_model = use_model and self.model is not None
        if use_model or want_feats:
            phrases = [k.cjk or k.padded.strip().decode("ascii", "replace") for k in head.found]
            phrases += [k.cjk or k.padded.strip().decode("ascii", "replace") for k in body.found]
            feats = features(head.toks + body.toks, actors, self._passing(raw), phrases)
        if use_model and self.model is not None:
            for i, delta in self.model.adjust(raw, self._thresholds, feats):
                if trace is not None:
                    trace.append((LEARNED, i, "your decisions", delta))
        return True, raw, feats, actors

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
                n = total if subs is None else minus(total, subs[GATE], found)
                if n > 0:
                    val = key.gate_w * (title_w if is_title else damp * sat[n if n < 64 else 63])
                    tally.gate += val
                    if trace is not None:
                        trace.append((GATE, 0, key, val))
            if key.theme_w and do_themes:
                for target, weight, longer in key.theme_w:
                    n = minus(total, longer, found) if longer else total
                    if n > 0 and weight:
                        val = weight * (title_w if is_title else damp * sat[n if n < 64 else 63])
                        themes[target] += val
                        if trace is not None:
                            trace.append((THEMES, target, key, val))
            if key.actor_ids and do_actors:
                n = total if subs is None else minus(total, subs[ACTORS], found)
                if n > 0:
                    for target in key.actor_ids:
                        actors[target] = actors.get(target, 0) + n
                        if trace is not None:
                            trace.append((ACTORS, target, key, float(n)))
            for ns, target, rules, longer in key.slow:
                if not mask[ns]:
                    continue
                n = minus(total, longer, found) if longer else total
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
        if rule.near is not None and not rule.window and not any_in(rule.near, docs):
            return 0
        if rule.unless is not None and not rule.unless_window and any_in(rule.unless, docs):
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
        for i in positions(toks, key.tokens):
            if rule.near is not None and rule.window:
                seg = toks[max(0, i - rule.window) : i + size + rule.window]
                if not any_in_tokens(rule.near, seg):
                    continue
            if rule.unless is not None and rule.unless_window:
                seg = toks[max(0, i - rule.unless_window) : i + size + rule.unless_window]
                if any_in_tokens(rule.unless, seg):
                    continue
            good += 1
        return good

    def _passing(self, raw: list[float]) -> list[str]:
        """The ids of the themes whose raw score reaches their threshold."""
        return [self.theme_ids[i] for i, r in enumerate(raw) if r >= self._thresholds[i] and r > 0]

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
