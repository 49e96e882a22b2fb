"""Simulated keyboard decisions on the dev set: does learning from them help?

A simulated analyst goes through one half of the dev set in a fixed random order and
fixes what is wrong: on an item whose themes differ from the gold labels, it rejects
the wrong ones and adds the missing ones in the theme editor, leaving the right ones
on "auto" (the editor saves only what changed); items that are already right are read
past (mode "review" also accepts every right theme, one key each). This goes on until
`decisions` decisions are made. The decisions are saved in an in-memory store and the
user model is trained on them exactly as `aigeo retheme` trains it
(tui.themes.training), and the other half is scored with and without it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from tests.support.themes_devset import DevItem, Scores, evaluate, lexicon_predictor
from tui.model import NewItem
from tui.store import Store
from tui.themes.lexicon import Lexicon
from tui.themes.model import Example, UserModel, train
from tui.themes.training import examples_from_store


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


def record_decisions(
    store: Store,
    lexicon: Lexicon,
    items: Sequence[DevItem],
    budget: int,
    seed: int = 13,
    mode: str = "fix",
) -> tuple[dict[str, int], int, int]:
    """Store the items, then a simulated analyst's `budget` decisions on them.

    Decisions are saved exactly as the theme editor saves them (`Store.set_user_theme`
    with what changed: True for a theme added, False for one rejected; a right theme
    the lexicon shows stays on "auto", as a user fixing an item leaves it), and the
    items read past are marked read. Returns (dev id → item id, decisions, items
    decided).
    """
    order = list(items)
    random.Random(seed).shuffle(order)
    known = set(lexicon.theme_ids)
    source_id, _ = store.add_source("https://dev.test/feed", "dev set")
    entries = [
        (
            NewItem(guid=item.id, title=item.title, text=item.summary, content_hash=item.id),
            lexicon.classify(item.title, item.summary),
        )
        for item in order
    ]
    store.save_items(source_id, entries)
    ids = {str(g): int(i) for i, g in store.conn.execute("SELECT id, guid FROM items")}
    made = decided_items = 0
    read: list[int] = []
    for item in order:
        if made >= budget:
            break
        item_id = ids[item.id]
        read.append(item_id)
        shown = set(lexicon.classify(item.title, item.summary).theme_ids())
        if mode == "fix":  # what the editor saves when the analyst fixes the item
            changed = {t: t in item.themes for t in (shown ^ item.themes) & known}
        else:  # "review": every shown or right theme is confirmed or rejected
            changed = {t: t in item.themes for t in (shown | item.themes) & known}
        if not changed:
            continue  # nothing to fix: the analyst reads on
        for theme, accepted in sorted(changed.items()):
            store.set_user_theme(item_id, theme, accepted)
        made += len(changed)
        decided_items += 1
    store.set_read(read)
    return ids, made, decided_items


def decisions_on(
    lexicon: Lexicon, items: Sequence[DevItem], budget: int, seed: int = 13, mode: str = "fix"
) -> tuple[list[Example], int, int]:
    """The training examples a simulated analyst's `budget` decisions give: what
    `aigeo retheme` trains on (`tui.themes.training.examples_from_store`) in an
    in-memory store holding those decisions (`record_decisions`)."""
    with Store.memory() as store:
        _, made, decided_items = record_decisions(store, lexicon, items, budget, seed, mode)
        examples, _ = examples_from_store(store, lexicon)
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
