"""Per-item theme errors on the TUNING half of the dev set (issue 13), for lexicon work.

    uv run python -m tests.bench.themes_errors            # misses and false hits
    uv run python -m tests.bench.themes_errors --theme safety --explain

Only the tuning half is ever listed: the held-out half is read as aggregate scores
(`tests.bench.themes_eval`), so asking for it here is refused.
"""

from __future__ import annotations

import argparse
import sys

from tests.support.themes_devset import HELD_OUT, TUNE, DevItem, half, load_devset


def errors(items: list[DevItem], lexicon: object, theme: str | None) -> list[str]:
    """One block per tuning item whose themes differ from gold (optionally one theme)."""
    out: list[str] = []
    for item in items:
        if item.half != TUNE:  # belt and braces: never list a held-out item
            continue
        c = lexicon.classify(item.title, item.summary)  # type: ignore[attr-defined]
        pred = frozenset(c.theme_ids())
        missed, extra = item.themes - pred, pred - item.themes
        if theme is not None:
            missed, extra = missed & {theme}, extra & {theme}
        if not missed and not extra:
            continue
        kind = "DISTRACTOR" if item.distractor else ("hard" if item.hard else "")
        out.append(
            f"{item.id} [{item.lang}] {kind} gold={sorted(item.themes)} pred={sorted(pred)}"
            f" missed={sorted(missed)} extra={sorted(extra)}"
        )
        out.append(f"    {item.title} | {item.summary}")
        out.append(f"    scores {[(s.id, s.score) for s in c.themes]}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", default=TUNE, help="only 'tune' is allowed")
    parser.add_argument("--theme", help="only errors on this theme id")
    parser.add_argument("--explain", action="store_true", help="print the hits per item")
    args = parser.parse_args(argv)
    if args.half != TUNE:
        print(f"refused: only the {TUNE} half is listed; {HELD_OUT} is aggregate-only")
        return 2
    from tui.themes import load_lexicon

    lexicon = load_lexicon(overlay=None)
    tune = half(load_devset(), TUNE)
    lines = errors(tune, lexicon, args.theme)
    if args.explain:
        by_id = {i.id: i for i in tune}
        shown: list[str] = []
        for line in lines:
            shown.append(line)
            head = line.split(" ", 1)[0]
            if head in by_id:
                item = by_id[head]
                found = lexicon.explain(item.title, item.summary)
                hits = ", ".join(f"{sec[:2]}:{t}:{p}={v}" for sec, t, p, v in found)
                shown.append("    hits " + hits)
        lines = shown
    print("\n".join(lines))
    print(f"-- {sum(1 for x in lines if x[:1] not in ' ')} tuning items with errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
