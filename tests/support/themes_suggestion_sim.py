"""Simulated phrase suggestions on the dev set: do accepted suggestions help?

The same simulated analyst as tests.support.themes_learning_sim makes the same
decisions on one half; then the product's suggestions are computed from them exactly
as `aigeo learned` computes them (`tui.themes.learning.learn` on the store), a policy
decides which ones the user accepts, and they are accepted exactly as the Learned
screen accepts them (`tui.themes.overlay.accept`: appended to a themes.local.toml and
the store re-themed, with the user's model retrained on the same decisions against the
new lexicon). The other half is scored with the lexicon that returns (the combined
effect a user gets), with its rules alone (the phrases' effect) and with the model
alone (no suggestion accepted).

Policies see only what the Learned screen shows a user: the phrase, its theme, its
evidence in the decided items and its impact on the store (the analyst's own half);
never the other half's labels.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.themes_devset import DevItem, Scores, evaluate, lexicon_predictor
from tests.support.themes_learning_sim import record_decisions
from tui.store import Store
from tui.themes.disk_cache import CACHE_ENV
from tui.themes.learning import Suggestion, learn
from tui.themes.lexicon import Lexicon
from tui.themes.overlay import accept
from tui.themes.training import retrain

Policy = Callable[[Suggestion], bool]


def accept_all(s: Suggestion) -> bool:
    """The hasty user: every suggestion shown is added."""
    return True


def careful(s: Suggestion) -> bool:
    """A careful analyst: adds a phrase only when nothing on the screen argues against
    it: none of their rejected items has it, accepting tags none of them (conflicts),
    and it is in more of their accepted items than of the other items, share for share
    (the phrase must be mostly theirs, not everyone's)."""
    if s.rejected or s.conflicts:
        return False
    share_yes = s.accepted / max(1, s.accepted_total)
    share_other = s.others / max(1, s.others_total)
    return share_yes >= 4 * share_other


POLICIES: dict[str, Policy] = {"all": accept_all, "careful": careful}


@dataclass(slots=True)
class SuggestionResult:
    """Held-out scores: lexicon alone, + model, + accepted suggestions, + both."""

    policy: str
    decisions: int
    suggested: int
    accepted: list[Suggestion]
    before: Scores
    model: Scores
    phrases: Scores
    both: Scores
    per_theme: dict[str, int] = field(default_factory=dict)  # accepted phrases per theme

    def gain(self, which: str) -> float:
        """F1 points gained over the lexicon alone by `model`, `phrases` or `both`."""
        after: Scores = getattr(self, which)
        return 100 * (after.themes.f1 - self.before.themes.f1)

    def describe(self) -> str:
        lines = [
            f"== suggestions ({self.policy}): {self.suggested} suggested after"
            f" {self.decisions} decisions, {len(self.accepted)} accepted"
        ]
        for which in ("model", "phrases", "both"):
            s: Scores = getattr(self, which)
            lines.append(
                f"  {which:<8} F1 {self.before.themes.f1:.3f} -> {s.themes.f1:.3f}"
                f" ({self.gain(which):+.1f}; P {s.themes.precision:.3f}"
                f" R {s.themes.recall:.3f}) distractors {100 * s.distractor_rate:.1f}%"
            )
        return "\n".join(lines)


@contextlib.contextmanager
def _private_lexicon_cache(folder: Path) -> Iterator[None]:
    """Compiled draft lexicons go to `folder`, not the user's lexicon cache."""
    old = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(folder)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(CACHE_ENV, None)
        else:
            os.environ[CACHE_ENV] = old


def simulate_suggestions(
    lexicon: Lexicon,
    train_items: Sequence[DevItem],
    test_items: Sequence[DevItem],
    decisions: int = 100,
    seed: int = 13,
    policy: str = "careful",
    mode: str = "fix",
) -> SuggestionResult:
    """Decide on `train_items`, accept suggestions by `policy`, score `test_items`.

    `lexicon` must be the shipped lexicon without overlay or model
    (`load_lexicon(overlay=None)`): `learn` and `accept` load that one with the
    simulated user's overlay.
    """
    rules = lexicon.with_model(None)
    with tempfile.TemporaryDirectory() as tmp, _private_lexicon_cache(Path(tmp) / "cache"):
        overlay = Path(tmp) / "themes.local.toml"
        with Store.memory() as store:
            _, made, _ = record_decisions(store, rules, train_items, decisions, seed, mode)
            model_only = retrain(store, rules, Path(tmp) / "model-rules.json")
            found = learn(store, overlay=overlay)  # as `aigeo learned` (and `L`) do
            suggested = found.suggestions()
            chosen = [s for s in suggested if POLICIES[policy](s)]
            # the Learned screen's accept: overlay, model retrained against it, re-theme
            model = Path(tmp) / "model.json"
            both = accept(store, chosen, overlay=overlay, model_path=model)[1] if chosen else None
    both = model_only if both is None else both
    learned = both.with_model(None)  # the accepted phrases without the model
    per_theme: dict[str, int] = {}
    for s in chosen:
        per_theme[s.theme] = per_theme.get(s.theme, 0) + 1

    def score(lex: Lexicon) -> Scores:
        return evaluate(test_items, lexicon_predictor(lex), lexicon.theme_ids)

    return SuggestionResult(
        policy=policy,
        decisions=made,
        suggested=len(suggested),
        accepted=chosen,
        before=score(rules),
        model=score(model_only),
        phrases=score(learned),
        both=score(both),
        per_theme=per_theme,
    )
