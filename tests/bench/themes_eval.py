"""Theme classifier report on the labelled dev set (issue 13).

    uv run python -m tests.bench.themes_eval              # the held-out half
    uv run python -m tests.bench.themes_eval --half tune  # while tuning
    uv run python -m tests.bench.themes_eval --half all --no-learning
    uv run python -m tests.bench.themes_eval --seeds 1,2,3,4,5,13  # the learning gain per seed
    uv run python -m tests.bench.themes_eval --seeds 1,2,3,13 --suggestions  # + phrase path
    uv run python -m tests.bench.themes_eval --suggestions --decisions 5000 --mode review
        # the ceiling: every theme of every item of the half decided

Prints micro P/R/F1, hard-item F1, the distractor rate, actor P/R/F1, themes per
on-topic item (and gold's), per-theme P/R/F1, the confusion of the worst themes, and
the learning simulation (100 decisions on the other half, F1 before and after). With
--suggestions also the phrase path (tests.support.themes_suggestion_sim): the
suggestions those decisions give, accepted by each policy, alone and with the model,
in both directions (decisions on either half, scored on the other).
"""

from __future__ import annotations

import argparse
import statistics
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
from tests.support.themes_learning_sim import SimResult, simulate
from tests.support.themes_suggestion_sim import POLICIES, SuggestionResult, simulate_suggestions


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


def describe_seeds(seeds: list[int], results: list[SimResult]) -> str:
    """One line per seed and the mean and spread of the gain."""
    lines = ["== learning per seed (seed: decisions, F1 after, gain, distractor rate after)"]
    for seed, r in zip(seeds, results, strict=True):
        lines.append(
            f"  {seed:>5}: {r.decisions:3d}  {r.after.themes.f1:.3f}  {r.gain:+5.1f}"
            f"  {100 * r.after.distractor_rate:.1f}%"
        )
    gains = [r.gain for r in results]
    worst = max(r.after.distractor_rate for r in results)
    lines.append(
        f"gain mean {statistics.mean(gains):+.2f}, sd {statistics.stdev(gains):.2f},"
        f" min {min(gains):+.1f}, max {max(gains):+.1f}; worst distractor rate"
        f" {100 * worst:.1f}%"
    )
    return "\n".join(lines)


def describe_suggestions(direction: str, seeds: list[int], runs: list[SuggestionResult]) -> str:
    """Per policy and seed: phrases suggested/accepted, the gain of the model alone, of
    the accepted phrases alone and of both, and the worst distractor rate."""
    lines = [
        f"== suggestion path, {direction} (policy seed: suggested/accepted,"
        " gain model / phrases / both, distractor rate with both)"
    ]
    for policy in POLICIES:
        mine = [r for r in runs if r.policy == policy]
        for seed, r in zip(seeds, mine, strict=True):
            lines.append(
                f"  {policy:<8}{seed:>4}: {r.suggested:3d}/{len(r.accepted):<3d}"
                f" {r.gain('model'):+5.1f} / {r.gain('phrases'):+5.1f} / {r.gain('both'):+5.1f}"
                f"  {100 * r.both.distractor_rate:.1f}%"
            )
        means = [statistics.mean(r.gain(w) for r in mine) for w in ("model", "phrases", "both")]
        worst = max(max(r.phrases.distractor_rate, r.both.distractor_rate) for r in mine)
        lines.append(
            f"  {policy:<8}mean: {means[0]:+.2f} / {means[1]:+.2f} / {means[2]:+.2f};"
            f" worst distractor rate {100 * worst:.1f}%"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=[TUNE, HELD_OUT, "all"], default=HELD_OUT)
    parser.add_argument("--no-learning", action="store_true", help="skip the simulation")
    parser.add_argument("--decisions", type=int, default=100)
    parser.add_argument(
        "--seeds",
        default="13",
        help="comma-separated simulation seeds (the analyst's reading order); with more"
        " than one, each seed's gain and their mean and spread are printed",
    )
    parser.add_argument(
        "--mode",
        choices=["fix", "review"],
        default="fix",
        help="fix: the analyst fixes wrong items (default); review: also confirms right themes",
    )
    parser.add_argument(
        "--suggestions",
        action="store_true",
        help="also simulate accepting the phrase suggestions (both directions, ~5 s a run)",
    )
    args = parser.parse_args(argv)
    from tui.themes import load_lexicon

    lexicon = load_lexicon(overlay=None)
    items = load_devset()
    chosen = items if args.half == "all" else half(items, args.half)
    scores = evaluate(chosen, lexicon_predictor(lexicon), lexicon.theme_ids)
    print(f"lexicon {lexicon.version}")
    print("\n".join(report(args.half, scores)))
    if not args.no_learning:
        other = HELD_OUT if args.half == TUNE else TUNE  # "all": learn on tune, score held-out
        name = HELD_OUT if args.half == "all" else args.half
        train = half(items, other)
        test = chosen if args.half != "all" else half(items, HELD_OUT)
        seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
        results = [
            simulate(lexicon, train, test, args.decisions, seed, args.mode) for seed in seeds
        ]
        print("")
        print(results[0].describe())
        if len(results) > 1:
            print("")
            print(describe_seeds(seeds, results))
        if args.suggestions:
            for direction, (a, b) in {
                f"decided on {other}, scored on {name}": (train, test),
                f"decided on {name}, scored on {other}": (test, train),
            }.items():
                runs = [
                    simulate_suggestions(lexicon, a, b, args.decisions, seed, policy, args.mode)
                    for policy in POLICIES
                    for seed in seeds
                ]
                print("")
                print(describe_suggestions(direction, seeds, runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
