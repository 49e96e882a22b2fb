"""strong_topic: weak AI context plus one dense theme passes the gate (issue 13)."""

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
