"""Gate relief and the best-theme fallback of tui.themes.rules (issue 13)."""

from __future__ import annotations

from tui.themes.rules import GATE_RELIEF, STRONG_ANY, STRONG_TOPIC, strong_topic

THR = [3.0, 3.0, 3.0]
AI = 1.5


def test_an_opens_gate_theme_needs_strong_topic_times_its_threshold() -> None:
    raw = [STRONG_TOPIC * 3.0, 0.0, 0.0]
    assert strong_topic(GATE_RELIEF * AI, AI, raw, THR, (0,))
    assert not strong_topic(GATE_RELIEF * AI, AI, [STRONG_TOPIC * 3.0 - 0.1, 0, 0], THR, (0,))


def test_any_other_theme_needs_more() -> None:
    weak = GATE_RELIEF * AI
    assert not strong_topic(weak, AI, [0.0, STRONG_TOPIC * 3.0, 0.0], THR, (0,))
    assert strong_topic(weak, AI, [0.0, STRONG_ANY * 3.0, 0.0], THR, (0,))


def test_some_ai_context_must_be_there() -> None:
    dense = [30.0, 30.0, 30.0]
    assert not strong_topic(0.0, AI, dense, THR, (0, 1, 2))
    assert not strong_topic(GATE_RELIEF * AI - 0.01, AI, dense, THR, (0, 1, 2))


def test_a_theme_marked_never_does_not_open_the_gate() -> None:
    raw = [0.0, 0.0, 30.0]
    assert not strong_topic(GATE_RELIEF * AI, AI, raw, THR, (), never=(2,))
    assert strong_topic(GATE_RELIEF * AI, AI, raw, THR, (), never=())


def test_an_ai_item_with_no_passing_theme_gets_its_best_one() -> None:
    from tui.themes.rules import FALLBACK_SHARE, best_theme

    assert best_theme([0.0, FALLBACK_SHARE * 3.0, 1.0], THR) == 1
    assert best_theme([0.0, FALLBACK_SHARE * 3.0 - 0.1, 0.0], THR) is None
    assert best_theme([3.0, 2.9, 0.0], THR) is None  # one passes already
    assert best_theme([0.0, 0.0, 0.0], THR) is None
    assert best_theme([0.0, 0.0, 2.9], THR, never=(2,)) is None


def test_the_best_theme_fallback_never_themes_a_non_ai_item() -> None:
    from tui.themes import load_lexicon

    lex = load_lexicon(overlay=None)
    # half a threshold of safety words, no AI context at all
    c = lex.classify("Crash test results", "The safety rating of the new hatchback fell.")
    assert not c.theme_ids()
