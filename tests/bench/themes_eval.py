"""Theme classifier report on the labelled dev set (issue 13).

    uv run python -m tests.bench.themes_eval              # the held-out half
    uv run python -m tests.bench.themes_eval --half tune  # while tuning
    uv run python -m tests.bench.themes_eval --half all --no-learning

Prints micro P/R/F1, hard-item F1, the distractor rate, actor P/R/F1, themes per
on-topic item (and gold's), per-theme P/R/F1, the confusion of the worst themes, and
the learning simulation (100 decisions on the other half, F1 before and after).
"""

from __future__ import annotations

import argparse
import sys

from tests.support.themes_devset import (
    HELD_OUT,
    TUNE,
    Scores,
    evaluate,
    half,
    lexicon_predictor,
    load_devset,
)


def report(name: str, s: Scores, worst: int = 3) -> list[str]:
    """The printed table for one set of scores."""
    t, a = s.themes, s.actors
    lines = [
        f"== {name}: {s.items} items ({s.on_topic} on-topic, {s.distractors} distractors)",
        f"theme micro   P {t.precision:.3f}  R {t.recall:.3f}  F1 {t.f1:.3f}",
        f"hard items    P {s.hard.precision:.3f}  R {s.hard.recall:.3f}  F1 {s.hard.f1:.3f}",
        f"distractors given a theme  {s.distractors_hit}/{s.distractors}"
        f" = {100 * s.distractor_rate:.1f}%",
        f"on-topic items with no theme  {s.on_topic_empty}/{s.on_topic}",
        f"actors        P {a.precision:.3f}  R {a.recall:.3f}  F1 {a.f1:.3f}",
        f"themes per on-topic item  {s.themes_per_item:.2f} (gold {s.gold_per_item:.2f})",
        "",
        f"{'theme':<20} {'P':>6} {'R':>6} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}",
    ]
    for tid, prf in s.per_theme.items():
        lines.append(
            f"{tid:<20} {prf.precision:6.3f} {prf.recall:6.3f} {prf.f1:6.3f}"
            f" {prf.tp:4d} {prf.fp:4d} {prf.fn:4d}"
        )
    ranked = sorted(s.per_theme.items(), key=lambda kv: kv[1].f1)[:worst]
    lines.append("")
    lines.append("confusion of the worst themes (gold → what came instead: count)")
    for tid, _ in ranked:
        missed = {p: n for (g, p), n in s.confusion.items() if g == tid}
        extra = {g: n for (g, p), n in s.confusion.items() if p == tid and g != tid}
        fmt = ", ".join(f"{k} {v}" for k, v in sorted(missed.items(), key=lambda kv: -kv[1]))
        fmt2 = ", ".join(f"{k} {v}" for k, v in sorted(extra.items(), key=lambda kv: -kv[1]))
        lines.append(f"  {tid}: missed → {fmt or '-'}; wrongly given instead of → {fmt2 or '-'}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=[TUNE, HELD_OUT, "all"], default=HELD_OUT)
    parser.add_argument("--no-learning", action="store_true", help="skip the simulation")
    parser.add_argument("--decisions", type=int, default=100)
    args = parser.parse_args(argv)
    from tui.themes import load_lexicon

    lexicon = load_lexicon(overlay=None)
    items = load_devset()
    chosen = items if args.half == "all" else half(items, args.half)
    scores = evaluate(chosen, lexicon_predictor(lexicon), lexicon.theme_ids)
    print(f"lexicon {lexicon.version}")
    print("\n".join(report(args.half, scores)))
    if not args.no_learning:
        from tests.support.themes_learning_sim import simulate

        other = TUNE if args.half == HELD_OUT else HELD_OUT
        train = half(items, other)
        test = chosen if args.half != "all" else half(items, HELD_OUT)
        sim = simulate(lexicon, train, test, decisions=args.decisions)
        print("")
        print(sim.describe())
    return 0


if __name__ == "__main__":
    sys.exit(main())
