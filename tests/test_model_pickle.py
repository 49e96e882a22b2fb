"""The classes that cross from the parse workers pickle as constructor calls (see
tui.model._reduce_to_fields): every field survives, copies are equal and distinct."""

from __future__ import annotations

import copy
import dataclasses
import pickle

from tui.feeds.workers import ParseOutcome
from tui.model import Classification, NewItem, ThemeScore


def _item() -> NewItem:
    values = {f.name: f"{f.name}-value ✓" for f in dataclasses.fields(NewItem)}
    return NewItem(**values)


def test_every_field_round_trips() -> None:
    item = _item()
    classification = Classification(
        themes=(ThemeScore("chips", 0.859), ThemeScore("safety", 0.5, origin="user")),
        actors=("Taiwan", "TSMC"),
    )
    outcome = ParseOutcome(entries=[(item, classification), (NewItem("g", "t"), None)])
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        again = pickle.loads(pickle.dumps(outcome, protocol))
        assert again == outcome
        assert again.entries[0][0] is not item
        assert [f.name for f in dataclasses.fields(NewItem)] == list(NewItem.__slots__)
        assert dataclasses.asdict(again.entries[0][0]) == dataclasses.asdict(item)


def test_copies_are_equal_and_independent() -> None:
    item = _item()
    twin = copy.copy(item)
    assert twin == item and twin is not item
    twin.title = "changed"
    assert item.title == "title-value ✓"
    score = ThemeScore("markets", 0.25)
    assert copy.deepcopy(Classification((score,))) == Classification((score,))
