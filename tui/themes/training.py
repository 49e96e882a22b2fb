"""Train the user's theme model (tui.themes.model) from the decisions in a store.

Training examples are the items the user decided on: each accepted (or added) theme
is a positive, each rejected one a negative. The themes the user left alone on such
an item count too: the ones the lexicon shows there were kept (weak positives: the
editor shows them ticked, and fixing an item means leaving right themes as they are),
the others were left off (weak negatives). Read items the user left as they were are
confirmations of what the lexicon shows on them (at most READ_SAMPLE of them,
newest first): without them the model would see only the lexicon's mistakes and learn
to distrust it everywhere.

`aigeo retheme` calls `retrain` first, so the re-themed store reflects every decision
made so far; user decisions themselves stay stored as they are and always win.
"""

from __future__ import annotations

from pathlib import Path

from tui.model import ItemQuery
from tui.store import Store
from tui.themes.lexicon import Lexicon
from tui.themes.model import (
    IMPLICIT_WEIGHT,
    Example,
    UserModel,
    save_model,
    train,
    user_model_path,
)

READ_SAMPLE = 500
KEPT_WEIGHT = 0.75  # a shown theme the user left in place on an item they edited
# A read item the user left as it is confirms the lexicon as much as a decision corrects
# it: users decide only on the lexicon's mistakes, so with confirmations counted less
# than corrections the model sees the lexicon as worse than it is and moves every
# threshold (measured: weight 0.25 loses 1.1 F1 points on the dev set, 1.0 loses 0.1).
READ_WEIGHT = 1.0
MIN_DECISIONS = 5  # fewer decisions than this train nothing (the rules alone stay)


def examples_from_store(store: Store, lexicon: Lexicon) -> tuple[list[Example], int]:
    """The training examples of a store's decisions (and read items), and the number of
    explicit decisions."""
    index = {tid: i for i, tid in enumerate(lexicon.theme_ids)}
    by_item: dict[int, dict[int, bool]] = {}
    for item_id, theme, accepted in store.user_decisions():
        if theme in index:
            by_item.setdefault(item_id, {})[index[theme]] = accepted
    rules = lexicon.with_model(None)
    texts = store.item_texts(by_item)
    examples: list[Example] = []
    for item_id, decided in by_item.items():
        if item_id not in texts:
            continue
        is_ai, raw, feats = rules.raw_scores(*texts[item_id])
        if not is_ai:
            continue
        # the themes the user left on "auto" on an item they edited: the ones the
        # lexicon shows stayed in place (a weak yes), the others stayed off (a weak no)
        shown = set(rules.classify(*texts[item_id]).theme_ids())
        labels = {
            i: (tid in shown, KEPT_WEIGHT if tid in shown else IMPLICIT_WEIGHT)
            for tid, i in index.items()
        }
        labels.update({i: (ok, 1.0) for i, ok in decided.items()})
        examples.append(Example(raw, feats, labels))
    read = [i for i in store.item_ids(ItemQuery(unread=False)) if i not in by_item]
    for _item_id, (title, text) in store.item_texts(read[:READ_SAMPLE]).items():
        shown = set(rules.classify(title, text).theme_ids())
        if not shown:
            continue
        is_ai, raw, feats = rules.raw_scores(title, text)
        if is_ai:
            weak = {i: (tid in shown, READ_WEIGHT) for tid, i in index.items()}
            examples.append(Example(raw, feats, weak))
    return examples, sum(len(d) for d in by_item.values())


def retrain(store: Store, lexicon: Lexicon, path: Path | None = None) -> Lexicon:
    """Train the model on the store's decisions, save it, and return the lexicon with it.

    With fewer than MIN_DECISIONS decisions the model file is removed (if any) and the
    rule lexicon is returned.
    """
    path = path or user_model_path()
    examples, decisions = examples_from_store(store, lexicon)
    rules = lexicon.with_model(None)
    if decisions < MIN_DECISIONS:
        path.unlink(missing_ok=True)
        return rules
    model: UserModel = train(lexicon.theme_ids, lexicon.thresholds, examples)
    model.decisions = decisions
    save_model(model, path)
    return rules.with_model(model)
