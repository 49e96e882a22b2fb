"""Simulated keyboard decisions on the dev set: does learning from them help?

A simulated analyst goes through one half of the dev set in a fixed random order and
fixes what is wrong: on an item whose themes differ from the gold labels, it rejects
the wrong ones, adds the missing ones and accepts the right ones (one decision per
item and theme, as the dashboard's theme editor records them); items that are already
right are read past (mode "review" decides on every item instead). This goes on until
`decisions` decisions are made. The user model is trained on those decisions
exactly as `aigeo retheme` trains it on a store's decisions (tui.themes.model), and the
other half is scored with and without it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from tests.support.themes_devset import DevItem, Scores, evaluate, lexicon_predictor
from tui.themes.lexicon import Lexicon
from tui.themes.model import IMPLICIT_WEIGHT, Example, UserModel, train


@dataclass(slots=True)
class SimResult:
    """Scores of the held-out items before and after learning."""

    decisions: int
    items_decided: int
    before: Scores
    after: Scores
    model: UserModel

    @property
    def gain(self) -> float:
        """Micro-F1 points gained (after − before, × 100)."""
        return 100 * (self.after.themes.f1 - self.before.themes.f1)

    def describe(self) -> str:
        b, a = self.before, self.after
        return "\n".join(
            [
                f"== learning: {self.decisions} decisions on {self.items_decided} items of the"
                " other half, scored on this half",
                f"micro-F1 {b.themes.f1:.3f} -> {a.themes.f1:.3f}  (gain {self.gain:+.1f} points;"
                f" P {b.themes.precision:.3f} -> {a.themes.precision:.3f},"
                f" R {b.themes.recall:.3f} -> {a.themes.recall:.3f})",
                f"distractor rate {100 * b.distractor_rate:.1f}% -> {100 * a.distractor_rate:.1f}%",
                f"themes per on-topic item {b.themes_per_item:.2f} -> {a.themes_per_item:.2f}",
            ]
        )


def decisions_on(
    lexicon: Lexicon, items: Sequence[DevItem], budget: int, seed: int = 13, mode: str = "fix"
) -> tuple[list[Example], int, int]:
    """The training examples a simulated analyst's `budget` decisions give."""
    order = list(items)
    random.Random(seed).shuffle(order)
    index = {tid: i for i, tid in enumerate(lexicon.theme_ids)}
    examples: list[Example] = []
    made = decided_items = 0
    for item in order:
        if made >= budget:
            break
        shown = set(lexicon.classify(item.title, item.summary).theme_ids())
        if mode == "fix" and shown == item.themes:
            # nothing to fix: the analyst reads on; a read item left as it is counts as
            # a weak confirmation of what it shows (as the store's read flag records)
            is_ai, raw, feats = lexicon.raw_scores(item.title, item.summary)
            if is_ai and shown:
                weak = {i: (tid in shown, IMPLICIT_WEIGHT) for tid, i in index.items()}
                examples.append(Example(raw, feats, weak))
            continue
        to_decide = sorted((shown | item.themes) & index.keys())
        if not to_decide:
            continue
        is_ai, raw, feats = lexicon.raw_scores(item.title, item.summary)
        labels: dict[int, tuple[bool, float]] = {
            index[t]: (t in item.themes, 1.0) for t in to_decide
        }
        if any(applies for applies, _ in labels.values()):
            for i in range(len(lexicon.theme_ids)):
                labels.setdefault(i, (False, IMPLICIT_WEIGHT))
        made += len(to_decide)
        decided_items += 1
        if is_ai:
            examples.append(Example(raw, feats, labels))
    return examples, made, decided_items


def simulate(
    lexicon: Lexicon,
    train_items: Sequence[DevItem],
    test_items: Sequence[DevItem],
    decisions: int = 100,
    seed: int = 13,
    mode: str = "fix",
) -> SimResult:
    """Train on simulated decisions on `train_items`, score `test_items` before/after."""
    examples, made, n_items = decisions_on(lexicon, train_items, decisions, seed, mode)
    model = train(lexicon.theme_ids, lexicon.thresholds, examples)
    learned = lexicon.with_model(model)
    before = evaluate(test_items, lexicon_predictor(lexicon), lexicon.theme_ids)
    after = evaluate(test_items, lexicon_predictor(learned), lexicon.theme_ids)
    return SimResult(made, n_items, before, after, model)
