"""The labelled dev set (tests/support/fixtures/themes_dev): its shape, and held-out floors.

The floors are what the lexicon reached when issue 13 was closed, minus a small
margin; they keep later lexicon or scoring edits from silently losing what was won.
Run `uv run python -m tests.bench.themes_eval` for the full table.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.support.themes_devset import (
    HELD_OUT,
    TUNE,
    DevItem,
    Scores,
    evaluate,
    half,
    lexicon_predictor,
    load_devset,
)
from tests.support.themes_learning_sim import record_decisions, simulate
from tests.support.themes_suggestion_sim import simulate_suggestions
from tui.model import ItemQuery
from tui.store import Store
from tui.themes import Lexicon, load_lexicon

# measured on the held-out half (see the commit that set them), minus a margin;
# the 900-item set (j_more added), after the gate relief and best-theme fallback
FLOOR_MICRO_F1 = 0.805  # measured 0.817
FLOOR_PRECISION = 0.845  # measured 0.859
FLOOR_HARD_F1 = 0.72  # measured 0.737
FLOOR_ACTOR_F1 = 0.945  # measured 0.956
MAX_DISTRACTOR_RATE = 0.03  # measured 2/150
MIN_THEMES_PER_ITEM = 1.38  # measured 1.43; gold: 1.59 per on-topic item
MAX_NO_THEME_SHARE = 0.055  # on-topic items that get no theme at all (measured 13/302)
FLOOR_LEARNING_GAIN = 0.8  # F1 points (measured +1.3 after 100 decisions; seeds 1-3: +1.2-1.4)
# the other direction: decisions on the held-out half, scored on the tuned half, where
# the lexicon already fits and a model can mostly only hurt (measured -0.9; seeds 1-3:
# +0.1 to -0.6; before the bias got its own pull, down to -1.5)
FLOOR_REVERSE_GAIN = -1.5
# the suggestion path (tests.support.themes_suggestion_sim): every suggestion those 100
# decisions give accepted through the Learned screen's accept, which retrains the model.
# Measured, seed 13: phrases alone +0.0 both ways (0-1 suggestions: the tuned half's
# remaining vocabulary is generic; phrases mined from its gold labels lose 1.3 points),
# blend +1.3 / -0.9, the same as the model alone; before accept kept the model the
# blend was the phrases alone (0.0). The phrase floor catches suggestions that hurt:
# heavier weights or many generic words (all of a half's gold-label phrases: -1.3).
FLOOR_PHRASES_GAIN = -0.3
FLOOR_BLEND_GAIN = FLOOR_LEARNING_GAIN
FLOOR_BLEND_REVERSE_GAIN = FLOOR_REVERSE_GAIN


@pytest.fixture(scope="module")
def items() -> list[DevItem]:
    return load_devset()


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon(overlay=None)


@pytest.fixture(scope="module")
def held_out(items: list[DevItem], lexicon: Lexicon) -> Scores:
    return evaluate(half(items, HELD_OUT), lexicon_predictor(lexicon), lexicon.theme_ids)


def test_the_set_has_the_shape_the_issue_asks_for(items: list[DevItem], lexicon: Lexicon) -> None:
    assert len(items) >= 900
    assert len({i.id for i in items}) == len(items)
    per_theme = Counter(t for i in items for t in i.themes)
    assert set(per_theme) <= set(lexicon.theme_ids)
    assert min(per_theme[t] for t in lexicon.theme_ids) >= 35, per_theme
    assert sum(i.distractor for i in items) >= 280
    assert sum(i.lang != "en" for i in items) >= 100
    assert {i.lang for i in items} >= {"en", "zh", "fr", "de", "es"}
    assert sum(i.hard for i in items) >= 155
    assert all(1 <= len(i.themes) <= 3 for i in items if not i.distractor)


def test_gold_actors_are_lexicon_actor_names(items: list[DevItem], lexicon: Lexicon) -> None:
    unknown = {a for i in items for a in i.actors} - set(lexicon.actor_names)
    assert not unknown


def test_the_split_is_fixed_and_balanced(items: list[DevItem]) -> None:
    tune, held = half(items, TUNE), half(items, HELD_OUT)
    assert len(tune) + len(held) == len(items)
    assert abs(len(tune) - len(held)) < 0.1 * len(items)
    assert {i.id for i in tune}.isdisjoint(i.id for i in held)


def test_held_out_theme_floors(held_out: Scores) -> None:
    t = held_out.themes
    assert t.f1 >= FLOOR_MICRO_F1, (t.precision, t.recall, t.f1)
    assert t.precision >= FLOOR_PRECISION
    assert held_out.distractor_rate <= MAX_DISTRACTOR_RATE
    assert held_out.themes_per_item >= MIN_THEMES_PER_ITEM
    assert held_out.on_topic_empty <= MAX_NO_THEME_SHARE * held_out.on_topic
    assert held_out.hard.f1 >= FLOOR_HARD_F1


def test_held_out_actor_floor(held_out: Scores) -> None:
    assert held_out.actors.f1 >= FLOOR_ACTOR_F1, (held_out.actors.precision, held_out.actors.recall)


def test_learning_from_100_decisions_helps(items: list[DevItem], lexicon: Lexicon) -> None:
    result = simulate(lexicon, half(items, TUNE), half(items, HELD_OUT), decisions=100)
    assert result.decisions >= 95  # the tuning half needs more fixes than the budget
    assert result.gain >= FLOOR_LEARNING_GAIN, result.describe()
    assert result.after.distractor_rate <= MAX_DISTRACTOR_RATE


def test_learning_on_the_other_half_costs_the_tuned_half_little(
    items: list[DevItem], lexicon: Lexicon
) -> None:
    result = simulate(lexicon, half(items, HELD_OUT), half(items, TUNE), decisions=100)
    assert result.gain >= FLOOR_REVERSE_GAIN, result.describe()
    assert result.after.distractor_rate <= MAX_DISTRACTOR_RATE


def test_accepting_the_suggestions_of_100_decisions_keeps_the_gain(
    items: list[DevItem], lexicon: Lexicon
) -> None:
    result = simulate_suggestions(lexicon, half(items, TUNE), half(items, HELD_OUT), 100, 13, "all")
    assert result.accepted  # the blend below went through the Learned screen's accept
    assert result.gain("phrases") >= FLOOR_PHRASES_GAIN, result.describe()
    assert result.gain("both") >= FLOOR_BLEND_GAIN, result.describe()
    assert result.both.distractor_rate <= MAX_DISTRACTOR_RATE
    assert result.phrases.distractor_rate <= MAX_DISTRACTOR_RATE


def test_accepting_the_other_halfs_suggestions_costs_little(
    items: list[DevItem], lexicon: Lexicon
) -> None:
    result = simulate_suggestions(lexicon, half(items, HELD_OUT), half(items, TUNE), 100, 13, "all")
    assert result.gain("phrases") >= FLOOR_PHRASES_GAIN, result.describe()
    assert result.gain("both") >= FLOOR_BLEND_REVERSE_GAIN, result.describe()
    assert result.both.distractor_rate <= MAX_DISTRACTOR_RATE


def test_the_error_listing_shows_tuning_items_only(
    items: list[DevItem], lexicon: Lexicon, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.bench import themes_errors

    assert themes_errors.main(["--half", HELD_OUT]) == 2
    assert "refused" in capsys.readouterr().out
    assert themes_errors.errors(half(items, HELD_OUT), lexicon, None) == []
    listed = themes_errors.errors(half(items, TUNE), lexicon, None)
    shown = {line.split(" ", 1)[0] for line in listed if not line.startswith(" ")}
    assert shown and shown <= {i.id for i in half(items, TUNE)}


def test_the_simulated_analyst_saves_what_the_theme_editor_saves(
    items: list[DevItem], lexicon: Lexicon
) -> None:
    """Fixing an item in the editor saves adds and rejects only, never a right theme."""
    tune = {i.id: i for i in half(items, TUNE)}
    with Store.memory() as store:
        ids, made, decided = record_decisions(store, lexicon, list(tune.values()), 40, seed=1)
        saved = store.user_decisions()
        unread = store.item_ids(ItemQuery(unread=True))
    assert made >= 40 and len(saved) == made and len({i for i, _, _ in saved}) == decided
    by_id = {item_id: tune[dev_id] for dev_id, item_id in ids.items()}
    for item_id, theme, accepted in saved:
        item = by_id[item_id]
        shown = lexicon.classify(item.title, item.summary).theme_ids()
        assert accepted == (theme in item.themes)  # the analyst is right
        assert accepted != (theme in shown)  # and only changes what the lexicon got wrong
    assert 0 < len(unread) < len(tune)  # it stopped reading when the budget was spent
