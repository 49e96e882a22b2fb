"""Scoring rules above single phrases: co-mentioned actors, and main themes of long texts.

Kept apart from the phrase scanner (tui.themes) because they are policy, not matching:
- `co_actors`: a theme table may say that naming actors from *each* of several sides
  ("United States" or Trump or the Pentagon … and China or Xi …) is evidence for it.
  That is how `us-china` sees a story that puts Washington and Beijing in one policy
  frame without the words "rivalry" or "AI race" (issue 13, cause 2): the bonus alone
  stays below the threshold, so a frame word still has to be there.
- `strong_topic`: an item with GATE_RELIEF of the AI-context score the gate asks for
  still passes when one theme's own phrases score at least STRONG_TOPIC times its
  threshold (a story dense with export-control or data-centre vocabulary is in scope
  without "AI"), or STRONG_ANY times for a theme not marked `opens_gate` (a story dense
  with bioweapon-uplift, target-list or training-data vocabulary and one weak AI word).
  Measured on the dev set: with some AI context the cut gains recall and no distractor;
  with none at all (relief 0) distractors jump from 2 to ~20 per 130, so some AI word
  must stay.
- `best_theme`: an item that passes the gate but whose themes all stay below their
  thresholds gets its best-scoring theme, if that scores at least FALLBACK_SHARE of its
  threshold. An AI-geopolitics item is nearly always about something; on the dev set
  this halved the on-topic items left with no theme (held-out 22 -> 14) with no new
  distractor (they fail the gate), and the best theme was right in most of them. Only
  for texts up to LONG_TOKENS: a whole article that brings no theme to its threshold is
  not about one (the seed corpus's robot-artist story got "talent" from two words).
- `main_themes`: a long essay touches most themes in passing; a reader tags it with the
  two to four it is mainly about. For bodies longer than LONG_TOKENS, a theme is kept
  when its raw score is at least MAIN_SHARE of the best theme's, at most MAX_MAIN.

A change to these rules changes scores: bump tui.themes.lexicon.SCORING_VERSION with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

LONG_TOKENS = 300  # bodies with more tokens than this get main themes only
MAIN_SHARE = 0.25  # … themes scoring at least this share of the best one
MAX_MAIN = 4


GATE_RELIEF = 0.3  # share of the AI-context threshold a strong topic still needs
STRONG_TOPIC = 2.0  # … and how many times its threshold an `opens_gate` theme must score
STRONG_ANY = 2.5  # … or any other theme (their words are used outside the field more)


def strong_topic(
    gate: float,
    ai_threshold: float,
    raw: Sequence[float],
    thresholds: Sequence[float],
    eligible: Sequence[int],
    never: Sequence[int] = (),
) -> bool:
    """True when weak AI context is made up for by the dense vocabulary of a theme:
    STRONG_TOPIC times its threshold for the `eligible` themes (those marked
    `opens_gate`: chips, compute … whose words are rarely used outside the field),
    STRONG_ANY times for the others, except the `never` ones (`opens_gate = false`:
    open-models, whose licence words fill every open-source software story)."""
    if gate <= 0 or gate < GATE_RELIEF * ai_threshold:
        return False
    opens = set(eligible)
    for i, (r, thr) in enumerate(zip(raw, thresholds, strict=False)):
        if i not in never and thr > 0 and r >= (STRONG_TOPIC if i in opens else STRONG_ANY) * thr:
            return True
    return False


FALLBACK_SHARE = 0.65  # the best theme of an AI item with none passing needs this share


def best_theme(
    raw: list[float], thresholds: Sequence[float], never: Sequence[int] = ()
) -> int | None:
    """The theme to lift to its threshold when none passes (see the module docstring);
    never one of `never` (`opens_gate = false`: open-models, whose licence words fill
    open-source software stories that mention AI in passing)."""
    best, best_ratio = None, 0.0
    for i, (r, thr) in enumerate(zip(raw, thresholds, strict=False)):
        if thr <= 0 or i in never:
            continue
        if r >= thr:
            return None  # a theme passes: nothing to do
        if r / thr >= best_ratio:  # a tie goes to the later theme (tune: 0.889 vs 0.887)
            best, best_ratio = i, r / thr
    return best if best_ratio >= FALLBACK_SHARE else None


@dataclass(frozen=True, slots=True)
class CoActors:
    """Evidence for a theme when at least one actor of every side is named."""

    sides: tuple[frozenset[int], ...]  # actor indexes per side
    weight: float

    def bonus(self, named: Mapping[int, float]) -> float:
        """The weight when every side has a named actor, else 0."""
        for side in self.sides:
            if not any(named.get(a, 0) > 0 for a in side):
                return 0.0
        return self.weight


def main_themes(raw: Sequence[float], thresholds: Sequence[float], tokens: int) -> list[float]:
    """Raw scores with the minor themes of a long text set to 0 (short texts unchanged)."""
    if tokens <= LONG_TOKENS:
        return list(raw)
    passing = [i for i, r in enumerate(raw) if r >= thresholds[i] and r > 0]
    if len(passing) <= 2:
        return list(raw)
    best = max(raw[i] for i in passing)
    ranked = sorted(passing, key=lambda i: -raw[i])
    keep = {i for i in ranked[:MAX_MAIN] if raw[i] >= MAIN_SHARE * best}
    keep |= set(ranked[:2])  # an essay has at least two main themes when two pass
    return [r if i in keep else 0.0 for i, r in enumerate(raw)]
