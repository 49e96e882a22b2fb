"""The labelled theme dev set (tests/support/fixtures/themes_dev): loading, split, metrics.

Shared by the regression test (tests/themes/test_themes_devset.py) and the report script
(`uv run python -m tests.bench.themes_eval`). The split is a fixed rule on the id (first
byte of its sha256 even = tuning half), so adding items never moves old ones.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

DEV_DIR = Path(__file__).resolve().parent / "fixtures" / "themes_dev"
TUNE, HELD_OUT = "tune", "held-out"


@dataclass(frozen=True, slots=True)
class DevItem:
    """One labelled item."""

    id: str
    title: str
    summary: str
    themes: frozenset[str]
    actors: frozenset[str]
    hard: bool = False
    lang: str = "en"

    @property
    def distractor(self) -> bool:
        """True for look-alike items that belong to no theme."""
        return not self.themes

    @property
    def half(self) -> str:
        """TUNE or HELD_OUT, by the fixed rule on the id."""
        return TUNE if hashlib.sha256(self.id.encode()).digest()[0] % 2 == 0 else HELD_OUT


def load_devset(directory: Path = DEV_DIR) -> list[DevItem]:
    """Every item of every *.jsonl file, in file order."""
    out: list[DevItem] = []
    for path in sorted(directory.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            raw = json.loads(line)
            out.append(
                DevItem(
                    id=raw["id"],
                    title=raw["title"],
                    summary=raw.get("summary", ""),
                    themes=frozenset(raw["themes"]),
                    actors=frozenset(raw.get("actors", [])),
                    hard=bool(raw.get("hard", False)),
                    lang=raw.get("lang", "en"),
                )
            )
    return out


def half(items: Iterable[DevItem], which: str) -> list[DevItem]:
    """The items of one half."""
    return [i for i in items if i.half == which]


@dataclass(slots=True)
class PRF:
    """Counts of true/false positives and false negatives, with P/R/F1."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: frozenset[str], pred: frozenset[str]) -> None:
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class Scores:
    """Everything the issue asks to measure on one set of items."""

    items: int = 0
    themes: PRF = field(default_factory=PRF)
    hard: PRF = field(default_factory=PRF)
    actors: PRF = field(default_factory=PRF)
    per_theme: dict[str, PRF] = field(default_factory=dict)
    confusion: dict[tuple[str, str], int] = field(default_factory=dict)  # (gold, predicted)
    on_topic: int = 0
    on_topic_empty: int = 0
    distractors: int = 0
    distractors_hit: int = 0
    gold_labels: int = 0
    predicted_labels: int = 0  # on on-topic items

    @property
    def distractor_rate(self) -> float:
        return self.distractors_hit / self.distractors if self.distractors else 0.0

    @property
    def themes_per_item(self) -> float:
        return self.predicted_labels / self.on_topic if self.on_topic else 0.0

    @property
    def gold_per_item(self) -> float:
        return self.gold_labels / self.on_topic if self.on_topic else 0.0


Predict = Callable[[DevItem], tuple[frozenset[str], frozenset[str]]]


def evaluate(items: Sequence[DevItem], predict: Predict, theme_ids: Iterable[str]) -> Scores:
    """Score `predict` (item → (themes, actors)) against the labels."""
    s = Scores(per_theme={t: PRF() for t in theme_ids})
    for item in items:
        themes, actors = predict(item)
        s.items += 1
        s.actors.add(item.actors, actors)
        if item.distractor:
            s.distractors += 1
            s.distractors_hit += bool(themes)
        else:
            s.on_topic += 1
            s.on_topic_empty += not themes
            s.gold_labels += len(item.themes)
            s.predicted_labels += len(themes)
        s.themes.add(item.themes, themes)
        if item.hard:
            s.hard.add(item.themes, themes)
        for tid, prf in s.per_theme.items():
            prf.add(item.themes & {tid}, themes & {tid})
        for g in item.themes - themes:  # a missed label: which wrong theme(s) came instead
            for p in (themes - item.themes) or {"(none)"}:
                s.confusion[(g, p)] = s.confusion.get((g, p), 0) + 1
        for p in themes - item.themes:
            if not item.themes:
                s.confusion[("(distractor)", p)] = s.confusion.get(("(distractor)", p), 0) + 1
    return s


def lexicon_predictor(lexicon: object) -> Predict:
    """A predictor from a Lexicon: its themes and actors for title + summary."""

    def predict(item: DevItem) -> tuple[frozenset[str], frozenset[str]]:
        c = lexicon.classify(item.title, item.summary)  # type: ignore[attr-defined]
        return frozenset(c.theme_ids()), frozenset(c.actors)

    return predict
