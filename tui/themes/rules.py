"""Scoring rules above single phrases: co-mentioned actors, and main themes of long texts.

Kept apart from the phrase scanner (tui.themes) because they are policy, not matching:
- `co_actors`: a theme table may say that naming actors from *each* of several sides
  ("United States" or Trump or the Pentagon … and China or Xi …) is evidence for it.
  That is how `us-china` sees a story that puts Washington and Beijing in one policy
  frame without the words "rivalry" or "AI race" (issue 13, cause 2): the bonus alone
  stays below the threshold, so a frame word still has to be there.
- `strong_topic`: an item with half the AI-context score the gate asks for still passes
  when one theme's own phrases score at least STRONG_TOPIC times its threshold (a story
  dense with export-control or data-centre vocabulary is in scope without "AI").
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


GATE_RELIEF = 0.5  # share of the AI-context threshold a strong topic still needs
STRONG_TOPIC = 2.0  # … and how many times its threshold one theme must score


def strong_topic(
    gate: float,
    ai_threshold: float,
    raw: Sequence[float],
    thresholds: Sequence[float],
    eligible: Sequence[int],
) -> bool:
    """True when weak AI context is made up for by the dense vocabulary of one of the
    `eligible` themes (those marked `opens_gate`: chips, compute … whose words are
    rarely used outside the field; not open-source software or road safety)."""
    if not eligible or gate < GATE_RELIEF * ai_threshold:
        return False
    return any(raw[i] >= STRONG_TOPIC * thresholds[i] and thresholds[i] > 0 for i in eligible)


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
