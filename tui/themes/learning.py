"""Learning from the user's theme decisions: phrases to add to the lexicon, with evidence.

Every theme the user accepted or added on some items (keyboard `e`) is compared with
the rest of the store: words and word pairs found in many of those items but in few
others are suggested for that theme, unless the lexicon has them already. Each
suggestion carries its evidence (in how many accepted, rejected and other items it
occurs), a score (the log-odds ratio of "accepted" against "other" items divided by
its standard error: a z-score, small samples count for little) and what adding it
would change (how many items would gain or lose the theme on a re-theme).

What counts as evidence (decided on the dev-set simulation, tests.support.
themes_suggestion_sim, by the phrases suggested for the tuning half; the held-out
gain stays within ±0.1 points of before either way, as the accepted phrases' gain did):
support is counted in stories, not items (accepted items whose headlines share half
their words are copies of one story: one story's wording is not a phrase); a single
word needs MIN_WORD_SUPPORT stories, a phrase MIN_SUPPORT ("president", "money",
"doubling" came from two items each); words inside a multi-word actor name ("abu",
"dhabi") are never candidates; and of the items containing a phrase, at least
MIN_PRECISION must be accepted ones or ones the store already shows with the theme
(those are left out of the z-score's "others": they are not evidence against it).

Accepted suggestions are appended to the user's lexicon overlay (`themes.local.toml`,
merged by `load_lexicon`), then the store is re-themed; user decisions stay.
Nothing here imports Textual.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.model import ItemQuery, SearchTerm, ThemeDef
from tui.store import Store
from tui.themes.compiled import LexiconError
from tui.themes.dismissed import actor_words, dismissed, is_topical
from tui.themes.lexicon import Lexicon
from tui.themes.loader import (
    USER_OVERLAY,
    compile_lexicon,
    lexicon_document,
    user_overlay_path,
)
from tui.themes.story_groups import same_stories
from tui.themes.tokens import tokenize

MIN_ACCEPTED = 2  # a theme needs this many accepted items before anything is suggested
MIN_SUPPORT = 2  # a phrase must occur in at least this many accepted stories …
MIN_WORD_SUPPORT = 3  # … a single word (more ambiguous than a phrase) in this many
MIN_SHARE = 0.3  # … and in at least this share of them
MIN_SCORE = 2.0  # z-score: below this the difference could be chance
MIN_PRECISION = 0.5  # of the items containing it, this share has the theme (or gets it)
BACKGROUND_ITEMS = 4_000  # "the rest of the store" is sampled evenly to this many items
SCAN_CHARS = 6_000  # the head of each text is enough to find a theme's vocabulary
IMPACT_CANDIDATES = 3_000  # items checked per suggestion for what accepting would change
PER_THEME = 8
WEIGHTS = {1: 1.0, 2: 1.5}  # the weight a learned word / word pair is added with

_STOP_TEXT = """
    about above across after again against ago all almost also although always among and
    another any are around because been before being below between both but can cannot
    could did does doing done down during each either else even ever every few for from
    further had has have having her here hers herself him himself his how however into
    its itself just last least less like made make many may might more most much must
    near need never new news next not now off often once one only other others our ours
    out over own per rather really said same say says see seen she should since some
    still such than that the their theirs them then there these they this those though
    three through thus time today told too two under until upon very via was way week
    well were what when where whether which while who whom whose why will with within
    without would year years yet you your yours added named officials official according
    reported report reports
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())
_WORDY = re.compile(r"^(?=.*[a-z])[a-z0-9]+$")


@dataclass(slots=True)
class Suggestion:
    """A phrase suggested for a theme, with its evidence and what accepting it changes."""

    theme: str
    phrase: str
    weight: float
    score: float
    accepted: int  # accepted items containing the phrase …
    accepted_total: int  # … out of this many
    rejected: int
    rejected_total: int
    others: int  # other (sampled) items containing it …
    others_total: int  # … out of this many
    others_themed: int = 0  # of those other items, how many already show the theme
    gain: int | None = None  # undecided items that would gain the theme on a re-theme
    lose: int | None = None  # … or lose it
    helps: int | None = None  # accepted items the rule would then tag as well
    conflicts: int | None = None  # rejected items the rule would then tag
    checked: int = 0  # items examined for the impact
    capped: bool = False  # more items contain the phrase than were examined

    def evidence(self) -> str:
        """The counts in words."""
        text = f"in {self.accepted}/{self.accepted_total} accepted"
        if self.rejected_total:
            text += f", {self.rejected}/{self.rejected_total} rejected"
        text += f", {self.others}/{self.others_total} other items"
        return text + (f" ({self.others_themed} with the theme)" if self.others_themed else "")

    def impact(self) -> str:
        """What accepting it would change, in words."""
        if self.gain is None:
            return "impact not computed"
        more = "≥" if self.capped else ""
        parts = [f"+{more}{self.gain} items"]
        if self.lose:
            parts.append(f"−{self.lose}")
        if self.helps:
            parts.append(f"{self.helps} of your accepted")
        if self.conflicts:
            parts.append(f"{self.conflicts} of your rejected!")
        return ", ".join(parts)


@dataclass(slots=True)
class ThemeLearning:
    """What the decisions on one theme taught."""

    theme: ThemeDef
    accepted: int
    rejected: int
    suggestions: list[Suggestion] = field(default_factory=list)
    note: str = ""  # why there are no suggestions, when there are none


@dataclass(slots=True)
class Learned:
    """Everything learned from the store's decisions."""

    themes: list[ThemeLearning]
    decisions: int
    items_scanned: int
    overlay: Path | None

    def suggestions(self) -> list[Suggestion]:
        """Every suggestion, theme by theme."""
        return [s for t in self.themes for s in t.suggestions]


# --------------------------------------------------------------------------- mining


PhraseIndex = dict[str, list[tuple[str, ...]]]


def terms_of(
    title: str, text: str, phrases: PhraseIndex | None = None, names: PhraseIndex | None = None
) -> set[str]:
    """The candidate words and word pairs of one item (lowercase, stop words out).

    A pair that straddles the edge of a known multi-word phrase (`phrases`, by first
    token) is no candidate: "artificial intelligence chips" gives "chips", not
    "intelligence chips". Words inside a multi-word name (`names`: the actor aliases)
    are no candidates either: "Abu Dhabi" gives neither "abu" nor "dhabi" (the name
    itself is an actor, never theme evidence).
    """
    toks = tokenize(f"{title}\n{text[:SCAN_CHARS]}")
    good = [len(t) >= 3 and t not in STOP_WORDS and bool(_WORDY.match(t)) for t in toks]
    if names:
        good = [ok and at < 0 for ok, at in zip(good, _cover(toks, names), strict=True)]
    terms = {t for t, ok in zip(toks, good, strict=True) if ok}
    cover = _cover(toks, phrases) if phrases else None
    for i in range(len(toks) - 1):
        pair_ok = good[i] and good[i + 1] and toks[i] != toks[i + 1]
        if pair_ok and (cover is None or cover[i] == cover[i + 1]):
            terms.add(f"{toks[i]} {toks[i + 1]}")
    return terms


def _cover(toks: list[str], phrases: PhraseIndex) -> list[int]:
    """Per token, the start of the known phrase occurrence covering it (-1: none)."""
    cover = [-1] * len(toks)
    for i, tok in enumerate(toks):
        for phrase in phrases.get(tok, ()):
            if tuple(toks[i : i + len(phrase)]) == phrase:
                for j in range(i, i + len(phrase)):
                    cover[j] = i
    return cover


def phrase_index(doc: dict[str, Any]) -> PhraseIndex:
    """Every multi-word phrase of the lexicon's gate and themes, by its first token."""
    texts = list(doc.get("ai_context", {}))
    for theme in doc.get("themes", []):
        texts += list(theme.get("phrases", {}))
    return index_of(texts)


def index_of(texts: Iterable[str]) -> PhraseIndex:
    """The multi-word texts by their first token."""
    index: PhraseIndex = {}
    for text in texts:
        toks = tuple(tokenize(text))
        if len(toks) > 1:
            index.setdefault(toks[0], []).append(toks)
    return index


def known_phrases(doc: dict[str, Any]) -> tuple[dict[str, set[str]], set[str]]:
    """Per theme id, its phrases as token strings (and every shorter run inside them);
    and the AI-context terms (never worth suggesting: every theme's items have them)."""
    per_theme = {
        theme.get("id", ""): _spans(theme.get("phrases", {})) for theme in doc.get("themes", [])
    }
    return per_theme, _spans(doc.get("ai_context", {}))


def _spans(phrases: Iterable[str]) -> set[str]:
    """Every phrase's tokens joined, and every shorter run of tokens inside it."""
    spans: set[str] = set()
    for phrase in phrases:
        toks = tokenize(phrase)
        for size in range(1, len(toks) + 1):
            for start in range(len(toks) - size + 1):
                spans.add(" ".join(toks[start : start + size]))
    return spans


def z_score(a: int, n_a: int, b: int, n_b: int) -> float:
    """Log-odds ratio of a phrase in a against b (smoothed by ½) over its standard error."""
    pa, pb = (a + 0.5) / (n_a + 1), (b + 0.5) / (n_b + 1)
    ratio = math.log(pa / (1 - pa)) - math.log(pb / (1 - pb))
    variance = 1 / (a + 0.5) + 1 / (n_a - a + 0.5) + 1 / (b + 0.5) + 1 / (n_b - b + 0.5)
    return ratio / math.sqrt(variance)


def _decisions_by_theme(store: Store) -> dict[str, tuple[set[int], set[int]]]:
    by_theme: dict[str, tuple[set[int], set[int]]] = {}
    for item_id, theme, accepted in store.user_decisions():
        yes, no = by_theme.setdefault(theme, (set(), set()))
        (yes if accepted else no).add(item_id)
    return by_theme


def _suggest_for_theme(
    theme: str,
    yes: set[int],
    no: set[int],
    terms: dict[int, set[str]],
    known: set[str],
    per_theme: int,
    keep: Callable[[str], bool] | None = None,
    themed: set[int] | None = None,
    story: dict[int, int] | None = None,
) -> list[Suggestion]:
    """Rank the candidate phrases of one theme (see the module docstring); `keep` says
    which candidates may be suggested at all (topical, not dismissed); `themed` are the
    items the store already shows with the theme (neither evidence for nor against a
    phrase's z-score, but for its precision); `story` maps an item to its story (see
    `same_stories`): support is counted in stories, one story's copies are one."""
    themed = (themed or set()) - yes - no
    in_yes: dict[str, int] = {}
    for item_id in yes:
        for term in terms.get(item_id, ()):
            in_yes[term] = in_yes.get(term, 0) + 1
    support = _story_support(yes, terms, story or {})
    n_yes = len(yes)
    need = max(MIN_SUPPORT, math.ceil(MIN_SHARE * n_yes))
    wanted = {
        t
        for t, n in support.items()
        if n >= (need if " " in t else max(need, MIN_WORD_SUPPORT)) and t not in known
    }
    if keep is not None:
        wanted = {t for t in wanted if keep(t)}
    others = [i for i in terms if i not in yes]
    in_other = dict.fromkeys(wanted, 0)
    in_no = dict.fromkeys(wanted, 0)
    in_themed = dict.fromkeys(wanted, 0)
    for item_id in others:
        counts = in_no if item_id in no else in_themed if item_id in themed else None
        for term in terms[item_id] & wanted:
            in_other[term] += 1
            if counts is not None:
                counts[term] += 1
    n_contrast = len(others) - len(themed & terms.keys())
    found: list[Suggestion] = []
    for term in wanted:
        a, b, t = in_yes[term], in_other[term], in_themed[term]
        score = z_score(a, n_yes, b - t, n_contrast)
        if score < MIN_SCORE or in_no[term] >= a or (a + t) / (a + b) < MIN_PRECISION:
            continue
        found.append(
            Suggestion(
                theme=theme,
                phrase=term,
                weight=WEIGHTS.get(term.count(" ") + 1, 1.5),
                score=round(score, 2),
                accepted=a,
                accepted_total=n_yes,
                rejected=in_no[term],
                rejected_total=len(no),
                others=b - in_no[term],
                others_total=len(others) - len(no & terms.keys()),
                others_themed=t,
            )
        )
    found.sort(key=lambda s: (-s.score, -s.accepted, s.phrase))
    return _drop_redundant(found)[:per_theme]


def _story_support(
    items: set[int], terms: dict[int, set[str]], story: dict[int, int]
) -> dict[str, int]:
    """Per term, in how many distinct stories of `items` it occurs."""
    seen: dict[str, set[int]] = {}
    for item_id in items:
        for term in terms.get(item_id, ()):
            seen.setdefault(term, set()).add(story.get(item_id, item_id))
    return {term: len(stories) for term, stories in seen.items()}


def _drop_redundant(ranked: list[Suggestion]) -> list[Suggestion]:
    """A word is left out when a suggested pair containing it covers its evidence."""
    pairs = [s for s in ranked if " " in s.phrase]
    kept = []
    for s in ranked:
        if " " not in s.phrase and any(
            s.phrase in p.phrase.split() and p.accepted >= 0.8 * s.accepted for p in pairs
        ):
            continue
        kept.append(s)
    return kept


def learn(
    store: Store,
    *,
    lexicon_path: Path | None = None,
    overlay: Path | str | None = USER_OVERLAY,
    per_theme: int = PER_THEME,
    background: int = BACKGROUND_ITEMS,
    impacts: bool = True,
) -> Learned:
    """Suggestions per theme from the store's user decisions (see the module docstring).

    `lexicon_path`/`overlay` name the lexicon the suggestions are relative to (default:
    the shipped one with the user's overlay, as `load_lexicon`).
    """
    target = _overlay_path(lexicon_path, overlay)
    doc = lexicon_document(lexicon_path, target if target and target.is_file() else None)
    lexicon = compile_lexicon(copy.deepcopy(doc), "current")
    actors = actor_words(lexicon)
    skip = dismissed(store)
    per_theme_known, gate = known_phrases(doc)
    decisions = _decisions_by_theme(store)
    decided = set().union(*(yes | no for yes, no in decisions.values())) if decisions else set()
    texts = store.item_texts(decided)
    for item_id, title, text in store.sample_item_texts(background) if decided else []:
        texts.setdefault(item_id, (title, text))
    index, names = phrase_index(doc), index_of(actors)
    terms = {i: terms_of(title, text, index, names) for i, (title, text) in texts.items()}
    story = same_stories({i: _title_words(texts[i][0]) for i in decided if i in texts})
    result: list[ThemeLearning] = []
    for theme in lexicon.themes:
        yes, no = decisions.get(theme.id, (set(), set()))
        if not yes and not no:
            continue
        learning = ThemeLearning(theme, len(yes), len(no))
        if len(yes) < MIN_ACCEPTED:
            learning.note = f"needs {MIN_ACCEPTED} accepted items to suggest phrases"
        else:
            known = per_theme_known.get(theme.id, set()) | gate
            tid = theme.id

            def keep(phrase: str, tid: str = tid) -> bool:
                return is_topical(phrase, actors) and (tid, phrase) not in skip

            themed = set(store.item_ids(ItemQuery(theme=tid))) & terms.keys()
            learning.suggestions = _suggest_for_theme(
                tid, yes, no, terms, known, per_theme, keep, themed, story
            )
            if not learning.suggestions:
                learning.note = "no phrase stands out yet"
        result.append(learning)
    total = sum(len(yes) + len(no) for yes, no in decisions.values())
    found = Learned(result, total, len(texts), target)
    if impacts:
        measure_impacts(store, doc, lexicon, found, decisions)
    return found


def _title_words(title: str) -> set[str]:
    return {t for t in tokenize(title) if len(t) >= 3 and t not in STOP_WORDS}


def _overlay_path(lexicon_path: Path | None, overlay: Path | str | None) -> Path | None:
    if overlay == USER_OVERLAY:
        return user_overlay_path() if lexicon_path is None else None
    return Path(overlay) if overlay is not None else None


# --------------------------------------------------------------------------- impact


def with_phrases(doc: dict[str, Any], phrases: Iterable[Suggestion]) -> dict[str, Any]:
    """A copy of a lexicon document with suggestions added to their themes."""
    draft = copy.deepcopy(doc)
    by_id = {t.get("id"): t for t in draft.get("themes", [])}
    for s in phrases:
        theme = by_id.get(s.theme)
        if theme is not None:
            theme.setdefault("phrases", {})[s.phrase] = s.weight
    return draft


def measure_impacts(
    store: Store,
    doc: dict[str, Any],
    lexicon: Lexicon,
    learned: Learned,
    decisions: dict[str, tuple[set[int], set[int]]],
) -> None:
    """Fill in gain/lose/helps/conflicts of every suggestion.

    The k-th suggestions of all themes are tried together in one draft lexicon (a
    theme phrase only moves its own theme's score), so this compiles a lexicon per
    rank, not per suggestion. Only items containing the phrase's words (full-text
    search) can change; they are classified with and without it.
    """
    before: dict[int, frozenset[str]] = {}
    ranks = max((len(t.suggestions) for t in learned.themes), default=0)
    for rank in range(ranks):
        batch = [t.suggestions[rank] for t in learned.themes if len(t.suggestions) > rank]
        draft = compile_lexicon(with_phrases(doc, batch), f"draft-{rank}")
        for s in batch:
            # every word of the phrase (FTS stems words: a superset of the phrase's items)
            words = tuple(SearchTerm(word) for word in s.phrase.split())
            ids = store.item_ids(ItemQuery(terms=words))
            s.capped = len(ids) > IMPACT_CANDIDATES
            ids = ids[:IMPACT_CANDIDATES]
            texts = store.item_texts(ids)
            for item_id, (title, text) in texts.items():
                if item_id not in before:
                    before[item_id] = frozenset(lexicon.classify(title, text).theme_ids())
            yes, no = decisions.get(s.theme, (set(), set()))
            s.gain = s.lose = s.helps = s.conflicts = 0
            s.checked = len(texts)
            for item_id, (title, text) in texts.items():
                had = s.theme in before[item_id]
                has = s.theme in draft.classify(title, text).theme_ids()
                if had == has:
                    continue
                if item_id in yes:
                    s.helps += int(has)
                elif item_id in no:
                    s.conflicts += int(has)
                elif has:
                    s.gain += 1
                else:
                    s.lose += 1


def find_suggestion(learned: Learned, theme: str, phrase: str) -> Suggestion | None:
    """The suggestion for a theme and phrase (phrase compared by its tokens)."""
    wanted = " ".join(tokenize(phrase))
    for s in learned.suggestions():
        if s.theme == theme and s.phrase == wanted:
            return s
    return None


__all__ = [
    "Learned",
    "LexiconError",
    "Suggestion",
    "ThemeLearning",
    "learn",
]
